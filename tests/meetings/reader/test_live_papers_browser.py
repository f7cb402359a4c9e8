"""Issue 16, finding 3: from the live screen, the current item's papers are one tap away, every
agenda row leads to its item, and in portrait "Đăng ký phát biểu" is on screen without scrolling."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from cabinet.db import db
from meetings.live import services as live
from meetings.models import Meeting
from tests.conftest import TABLET_PORTRAIT, screenshot


def open_session(app, world) -> None:
    """The chair opens the session (the first item becomes current), committed."""
    with app.test_request_context():
        live.open_session(db.session.get(Meeting, world.meeting.id), world.cabinet.chair)
        db.session.commit()


def test_current_items_papers_are_one_tap_away(app, committed_world, tablet_page):
    world = committed_world
    open_session(app, world)
    member = world.cabinet.members[2]  # not a reader of the restricted paper
    page = tablet_page(member, f"/meetings/{world.meeting.id}/live")
    papers = page.locator("#now-papers")
    expect(papers.get_by_role("link", name="Tờ trình Chính phủ")).to_be_visible()
    expect(papers.get_by_role("link", name="Dự thảo Nghị định")).to_be_visible()
    # The restricted paper is not even named to a member who may not read it.
    expect(papers).not_to_contain_text("mật")
    assert world.secret.title not in page.content()

    # Every agenda row is a link to its item's page.
    for item in world.items:
        link = page.locator(f"#agenda a[href$='/meetings/items/{item.id}']")
        expect(link).to_have_count(1)
    screenshot(page, "live-tablet-papers")

    # One tap opens the paper in the reader.
    papers.get_by_role("link", name="Tờ trình Chính phủ").click()
    expect(page).to_have_url(re.compile(rf"/papers/{world.normal.id}/read$"))


def test_portrait_request_floor_is_on_screen_without_scrolling(app, committed_world, tablet_page):
    world = committed_world
    open_session(app, world)
    page = tablet_page(
        world.cabinet.members[2], f"/meetings/{world.meeting.id}/live", viewport=TABLET_PORTRAIT
    )
    button = page.get_by_role("button", name="Đăng ký phát biểu")
    expect(button).to_be_visible()
    assert page.evaluate("window.scrollY") == 0
    box = button.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= TABLET_PORTRAIT["height"], box
    # Still reachable after scrolling down through the agenda (sticky, not just high up).
    page.mouse.wheel(0, 2000)
    box = button.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= TABLET_PORTRAIT["height"], box
    screenshot(page, "live-tablet-portrait-actions")
