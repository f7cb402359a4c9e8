"""In a real browser (Debian chromium): live updates on a member's tablet, and every screen of
meetings at both tablet orientations (screenshots in test-artifacts/screens/)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cabinet.db import db, utcnow
from meetings import services
from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot
from tests.meetings.conftest import make_pdf


@pytest.fixture
def session(committed_db, make_cabinet, tmp_path):
    """A committed cabinet and a published meeting with three items, one paper on the first."""
    cab = make_cabinet(n=6, deputies=1)
    meeting = services.create_meeting(
        {
            "title": "Phiên họp Chính phủ thường kỳ tháng 12 năm 2025",
            "number": "12/2025",
            "starts_at": utcnow() + timedelta(days=6),
            "place": "Phòng họp Chính phủ, 1 Hoàng Hoa Thám, Hà Nội",
            "chair_id": cab.chair.id,
        },
        actor=cab.secretariat,
    )
    titles = [
        ("Dự án Luật Quy hoạch đô thị và nông thôn", "Bộ Xây dựng", "decision"),
        (
            "Tình hình kinh tế - xã hội tháng 11 và 11 tháng năm 2025",
            "Bộ Kế hoạch và Đầu tư",
            "discussion",
        ),
        ("Báo cáo công tác chỉ đạo, điều hành của Chính phủ", "Văn phòng Chính phủ", "information"),
    ]
    for title, ministry, kind in titles:
        services.add_item(
            meeting,
            {
                "title": title,
                "ministry": ministry,
                "kind": kind,
                "presenter": "Bộ trưởng",
                "planned_minutes": 30,
                "summary": "Tờ trình và dự thảo kèm theo, đề nghị Chính phủ cho ý kiến.",
            },
            actor=cab.secretariat,
        )
    pdf = tmp_path / "to-trinh.pdf"
    pdf.write_bytes(make_pdf("To trinh du an luat", pages=2))
    from werkzeug.datastructures import FileStorage

    with pdf.open("rb") as handle:
        services.add_paper(
            meeting.items[0],
            title="Tờ trình Chính phủ",
            upload=FileStorage(handle, filename="to-trinh.pdf"),
            actor=cab.secretariat,
        )
    services.publish_meeting(meeting, actor=cab.secretariat)
    db.session.commit()
    return cab, meeting, pdf


def test_paper_added_by_the_secretariat_appears_on_the_members_tablet(
    session, tablet_page, desktop_page, tmp_path
):
    cab, meeting, _ = session
    item = meeting.items[0]
    member = tablet_page(cab.members[1], f"/meetings/items/{item.id}")
    member.wait_for_selector("body[data-live=ready]")
    assert member.locator("#papers .paper").count() == 1
    marker = member.evaluate("() => (window.__marker = Math.random())")

    secretariat = desktop_page(cab.secretariat, f"/meetings/items/{item.id}")
    second = tmp_path / "du-thao-luat.pdf"
    second.write_bytes(make_pdf("Du thao Luat", pages=3))
    form = secretariat.locator("#upload form")
    form.locator("input[type=file]").set_input_files(str(second))
    form.locator("input[name=title]").fill("Dự thảo Luật Quy hoạch đô thị và nông thôn")
    form.locator("button[type=submit]").click()
    secretariat.wait_for_load_state()

    new = member.locator("#papers .paper", has_text="Dự thảo Luật Quy hoạch")
    new.wait_for()
    assert member.evaluate("() => window.__marker") == marker  # no reload happened
    assert "Bản 1" in new.inner_text() and "Chưa đọc" in new.inner_text()
    screenshot(member, "meetings-item-live-paper-added-1024x768")


def test_reorder_by_keyboard_reaches_the_members_agenda(session, tablet_page, desktop_page):
    cab, meeting, _ = session
    member = tablet_page(cab.members[2], f"/meetings/{meeting.id}", viewport=TABLET_PORTRAIT)
    member.wait_for_selector("body[data-live=ready]")
    first_title = meeting.items[0].title
    secretariat = desktop_page(cab.secretariat, f"/meetings/{meeting.id}/manage")
    secretariat.wait_for_selector("body[data-live=ready]")
    secretariat.locator(f"#item-{meeting.items[0].id} [data-move-down]").focus()
    secretariat.keyboard.press("Enter")
    member.wait_for_function(
        "t => document.querySelectorAll('#agenda .agenda__title')[1]?.textContent.trim() === t",
        arg=first_title,
    )
    # Focus stays on the moved item's button, so the next Enter moves it again.
    assert (
        secretariat.evaluate("() => document.activeElement.closest('[data-item-id]').id")
        == f"item-{meeting.items[0].id}"
    )
    screenshot(member, "meetings-agenda-live-reordered-768x1024")


@pytest.mark.parametrize(
    "viewport", [TABLET_LANDSCAPE, TABLET_PORTRAIT], ids=["1024x768", "768x1024"]
)
def test_screens(session, open_page, viewport):
    cab, meeting, _ = session
    item = meeting.items[0]
    size = f"{viewport['width']}x{viewport['height']}"
    member_pages = {
        "my-meetings": "/meetings/my",
        "meeting": f"/meetings/{meeting.id}",
        "item": f"/meetings/items/{item.id}",
    }
    for name, path in member_pages.items():
        page = open_page(cab.members[1], viewport, path)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() == 1
        screenshot(page, f"meetings-member-{name}-{size}")
    secretariat_pages = {
        "list": "/meetings/",
        "new": "/meetings/new",
        "manage": f"/meetings/{meeting.id}/manage",
        "item": f"/meetings/items/{item.id}",
        "item-form": f"/meetings/{meeting.id}/items/new",
    }
    for name, path in secretariat_pages.items():
        page = open_page(cab.secretariat, viewport, path)
        page.wait_for_load_state("networkidle")
        screenshot(page, f"meetings-secretariat-{name}-{size}")
