"""Issue 16, comments on drafts, in real browsers: a member comments on page 2 of a restricted
draft; the secretariat reads it in the digest; a member who may not read the paper sees nothing
of it (page, API); another member sees only their own comments, never the private notes."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.conftest import DESKTOP, screenshot
from tests.meetings.reader.test_reader_browser import wait_rendered

COMMENT = "Đề nghị bổ sung đánh giá tác động tại trang 2"


def write_comment(page, at: int, text: str) -> None:
    page.fill("[data-page-input]", str(at))
    page.locator("[data-page-input]").press("Enter")
    page.locator("[data-action=comments]").click()
    expect(page.locator("[data-comment-page]")).to_have_text(str(at))
    page.fill("[data-comment-text]", text)
    page.get_by_role("button", name="Gửi góp ý").click()
    expect(page.locator("[data-comment-list]")).to_contain_text(text)


def test_comments_on_a_restricted_draft(committed_world, open_page, tablet_page, live_server):
    world = committed_world
    reader, outsider = world.cabinet.members[1], world.cabinet.members[2]

    tablet = tablet_page(reader, f"/papers/{world.secret.id}/read")
    wait_rendered(tablet)
    write_comment(tablet, 2, COMMENT)
    assert tablet.locator('[data-comment-list] li[data-page="2"]').count() == 1
    # A private note is something else: it stays with its author.
    tablet.get_by_role("button", name="Ghi chú", exact=True).click()
    tablet.fill("[data-note-text]", "Ghi chú riêng không ai đọc")
    tablet.click("[data-note-form] button[type=submit]")
    # (The comment's row wears `.pr-note` too: the note is counted in the notes list, once
    # it is there, not by a count that held before the note was saved.)
    notes = tablet.locator("[data-note-list] .pr-note")
    expect(notes).to_have_count(1)
    expect(notes).to_contain_text("Ghi chú riêng không ai đọc")
    expect(tablet.locator("[data-comment-list] .pr-note")).to_have_count(1)
    tablet.locator("[data-action=comments]").click()
    screenshot(tablet, "reader-comments")

    # Another member comments on a paper for everyone and sees only their own comment.
    other = tablet_page(outsider, f"/papers/{world.normal.id}/read")
    wait_rendered(other)
    write_comment(other, 1, "Trang 1 cần số liệu năm 2025")
    expect(other.locator("[data-comment-list] li")).to_have_count(1)

    # The secretariat's digest of the restricted paper: the comment by page, exportable.
    desk = open_page(world.cabinet.secretariat, DESKTOP, f"/papers/{world.secret.id}/comments")
    section = desk.locator('[data-digest-page="2"]')
    expect(section).to_contain_text(COMMENT)
    expect(section).to_contain_text(reader.name)
    expect(desk.get_by_role("link", name="Tải tổng hợp (CSV)")).to_be_visible()
    expect(desk.locator("body")).not_to_contain_text("Ghi chú riêng không ai đọc")
    screenshot(desk, "reader-comment-digest")

    # The member who may not read the restricted paper: nothing of it, page or API.
    for path in (
        f"/papers/{world.secret.id}/comments",
        f"/api/v1/reader/papers/{world.secret.id}/comments",
    ):
        response = other.goto(f"{live_server}{path}")
        assert response.status == 404, path
        body = other.content()
        assert COMMENT not in body and world.secret.title not in body
    other.goto(f"{live_server}/meetings/items/{world.items[0].id}")
    expect(other.locator("main")).to_contain_text(world.normal.title)
    assert world.secret.title not in other.content()
