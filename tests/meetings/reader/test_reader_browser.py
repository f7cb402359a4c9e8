"""The reader in a real browser (Debian chromium): first page renders, search, offline."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.conftest import TABLET_PORTRAIT, screenshot

# Counts non-white pixels of page 1's canvas: proof that PDF.js drew something.
INK_ON_PAGE_ONE = """() => {
  const canvas = document.querySelector('.pr-page[data-page="1"] canvas');
  if (!canvas) return 0;
  const ctx = canvas.getContext('2d');
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) ink++;
  return ink;
}"""


def wait_rendered(page, num: int = 1) -> None:
    page.wait_for_selector(f'.pr-page[data-page="{num}"][data-rendered="true"]', timeout=20_000)


def test_member_reads_a_paper_and_searches(committed_world, tablet_page):
    world = committed_world
    member = world.cabinet.members[2]
    page = tablet_page(member, f"/papers/{world.normal.id}/read")
    wait_rendered(page)
    assert page.evaluate(INK_ON_PAGE_ONE) > 500
    assert page.evaluate("window.__reader.pageCount") == 3
    assert page.locator("[data-page-count]").inner_text() == "3"
    assert "Phiên bản 1" in page.locator("[data-testid=version-badge]").inner_text()
    screenshot(page, "reader-landscape")

    # Accent-insensitive: "ngan sach" finds "ngân sách" on the last page. On a tablet the
    # search box is behind a button (the toolbar is one row, the page gets the height).
    page.get_by_role("button", name="Tìm trong tài liệu").click()
    page.fill("[data-search-input]", "ngan sach")
    page.keyboard.press("Enter")
    page.wait_for_selector(".textLayer mark.is-current", timeout=10_000)
    assert page.locator("[data-search-count]").inner_text() == "1/1"
    assert page.input_value("[data-page-input]") == "3"
    screenshot(page, "reader-search")

    # Keyboard: Home goes back to page 1; the thumbnail follows.
    page.locator("[data-viewer]").focus()
    page.keyboard.press("Home")
    expect(page.locator("[data-page-input]")).to_have_value("1")
    assert page.locator('.pr-thumb[aria-current="page"]').get_attribute("data-page") == "1"

    # A private note on page 1, saved on the server.
    page.keyboard.press("n")
    page.fill("[data-note-text]", "Cần hỏi Bộ Tài chính về khoản 3")
    page.click("[data-note-form] button[type=submit]")
    page.wait_for_selector(".pr-note")
    assert page.locator("[data-notes-count]").inner_text() == "1"
    assert page.locator('.pr-page[data-page="1"] .pr-page__notes').inner_text() == "1"
    screenshot(page, "reader-notes")

    # Every control a finger touches is at least 44 px.
    small = page.evaluate(
        """() => [...document.querySelectorAll('.pr button, .pr a, .pr input, .pr select')]
              .filter((el) => el.offsetParent !== null)
              .map((el) => [el.getAttribute('aria-label') || el.textContent.trim(), el.getBoundingClientRect()])
              .filter(([, r]) => r.height < 44)
              .map(([name, r]) => `${name}: ${Math.round(r.height)}px`)"""
    )
    assert small == []


def test_portrait_tablet_has_a_thumbnail_drawer(committed_world, tablet_page):
    world = committed_world
    page = tablet_page(
        world.cabinet.members[2], f"/papers/{world.other.id}/read", viewport=TABLET_PORTRAIT
    )
    wait_rendered(page)
    thumbs = page.locator("#pr-thumbs")
    assert thumbs.bounding_box()["x"] < 0  # collapsed off-screen
    screenshot(page, "reader-portrait")
    page.emulate_media(reduced_motion="reduce")  # no slide-in: the screenshot shows the end state
    page.click('[data-action="thumbs"]')
    expect(page.locator(".pr")).to_have_class("pr pr--thumbs-open")
    page.wait_for_selector(".pr-thumb canvas")
    screenshot(page, "reader-portrait-thumbs")
    page.click('.pr-thumb[data-page="2"]')
    expect(page.locator("[data-page-input]")).to_have_value("2")
    expect(page.locator(".pr")).to_have_class("pr")  # the drawer closed after the jump


def test_withdrawal_closes_the_open_reader(committed_world, tablet_page, app):
    from cabinet.db import db
    from meetings.papers import withdraw_paper

    world = committed_world
    page = tablet_page(world.cabinet.members[2], f"/papers/{world.normal.id}/read")
    wait_rendered(page)
    expect(page.locator(".pr")).to_have_attribute("data-live", "joined")
    db.session.remove()
    with app.test_request_context():
        from meetings.models import Paper

        withdraw_paper(db.session.get(Paper, world.normal.id), actor=world.cabinet.secretariat)
        db.session.commit()
    page.wait_for_selector("[data-gone]:not([hidden])", timeout=10_000)
    assert "Tài liệu đã được rút" in page.locator("[data-gone]").inner_text()
    assert page.locator(".pr-page").count() == 0
    screenshot(page, "reader-withdrawn")


def test_agenda_and_paper_still_show_offline(committed_world, tablet_page, live_server):
    world = committed_world
    member = world.cabinet.members[2]
    # Opening a paper registers the service worker and pre-caches the manifest.
    page = tablet_page(member, f"/papers/{world.normal.id}/read")
    wait_rendered(page)
    page.wait_for_selector('[data-offline-state][data-state="saved"]', timeout=30_000)
    page.goto(f"{live_server}/meetings/{world.meeting.id}")
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_text("Dự thảo Nghị định về quản lý ngân sách").first).to_be_visible()
    assert world.meeting.title in page.content()
    screenshot(page, "offline-agenda")
    page.goto(f"{live_server}/meetings/items/{world.items[0].id}")
    expect(page.get_by_text("Tờ trình Chính phủ").first).to_be_visible()

    page.goto(f"{live_server}/papers/{world.normal.id}/read")
    wait_rendered(page)
    assert page.evaluate(INK_ON_PAGE_ONE) > 500
    screenshot(page, "offline-paper")

    # The restricted paper was never stored: offline it is simply not there.
    page.goto(f"{live_server}/papers/{world.secret.id}/read")
    assert "Không có kết nối mạng" in page.content()
    page.context.set_offline(False)
