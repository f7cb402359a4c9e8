"""Issue 16, follow the presenter, in real browsers: the secretariat turns to page 3 of a paper;
two following tablets show page 3 within a second; one that stopped following stays where it
was. One tablet comes from the live screen, where choosing "follow" opens the paper."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import DESKTOP, TABLET_PORTRAIT, screenshot
from tests.meetings.reader.test_live_papers_browser import open_session
from tests.meetings.reader.test_reader_browser import wait_rendered

WITHIN_A_SECOND = 1_000  # the promise, measured from the presenter's acknowledgement


def _name(user, name: str, ministry: str) -> None:
    """Give a member a real name and a ministry of 2025 (committed, before their page opens)."""
    from cabinet.db import db

    person = db.session.merge(user)
    person.name, person.title, person.ministry = name, "Bộ trưởng", ministry
    db.session.commit()


def follow(page) -> None:
    page.get_by_role("button", name="Theo dõi trình chiếu").click()
    expect(page.locator(".pr")).to_have_attribute("data-follow", "on")


def test_following_tablets_turn_with_the_secretariat(app, committed_world, open_page, tablet_page):
    world = committed_world
    open_session(app, world)
    members = world.cabinet.members
    _name(members[2], "Đỗ Quang Vinh", "Bộ Xây dựng")  # the README's screens show them
    _name(members[3], "Nguyễn Thanh Mai", "Bộ Nông nghiệp và Môi trường")
    paper = f"/papers/{world.normal.id}/read"

    secretariat = open_page(world.cabinet.secretariat, DESKTOP, paper)
    wait_rendered(secretariat)
    secretariat.get_by_role("button", name="Trình chiếu", exact=True).click()
    expect(secretariat.locator(".pr")).to_have_attribute("data-presented", "1")

    # Tablet A reads the paper and follows; tablet B follows from the live screen, which opens
    # the presented paper at its page; tablet C follows, then stops.
    tablet_a = tablet_page(members[2], paper)
    wait_rendered(tablet_a)
    follow(tablet_a)
    tablet_b = tablet_page(
        members[3], f"/meetings/{world.meeting.id}/live", viewport=TABLET_PORTRAIT
    )
    expect(tablet_b.locator("#follow-bar")).to_contain_text("Tờ trình Chính phủ")
    screenshot(tablet_b, "follow-live-screen")
    tablet_b.get_by_role("button", name="Theo dõi trình chiếu").click()
    expect(tablet_b).to_have_url(re.compile(rf"{paper}#page=1$"))
    wait_rendered(tablet_b)
    expect(tablet_b.locator(".pr")).to_have_attribute("data-follow", "on")
    tablet_c = tablet_page(members[4], paper)
    wait_rendered(tablet_c)
    follow(tablet_c)
    tablet_c.get_by_role("button", name="Theo dõi trình chiếu").click()
    expect(tablet_c.locator(".pr")).to_have_attribute("data-follow", "off")

    # The secretariat turns to page 3.
    secretariat.fill("[data-page-input]", "3")
    secretariat.locator("[data-page-input]").press("Enter")
    expect(secretariat.locator(".pr")).to_have_attribute("data-presented", "3")
    for tablet in (tablet_a, tablet_b):
        expect(tablet.locator("[data-page-input]")).to_have_value("3", timeout=WITHIN_A_SECOND)
    wait_rendered(tablet_a, 3)
    screenshot(tablet_a, "follow-tablet")
    wait_rendered(tablet_b, 3)
    screenshot(tablet_b, "follow-tablet-768x1024")
    # The one that stopped following stays where it was.
    expect(tablet_c.locator("[data-page-input]")).to_have_value("1")

    # Coming back to following goes straight to where the room is.
    tablet_c.get_by_role("button", name="Theo dõi trình chiếu").click()
    expect(tablet_c.locator("[data-page-input]")).to_have_value("3")

    # Another paper: the followers open it at its page; C, which stops following again, stays.
    tablet_c.get_by_role("button", name="Theo dõi trình chiếu").click()
    secretariat.goto(
        secretariat.url.replace(paper, f"/papers/{world.other.id}/read"), timeout=30_000
    )
    wait_rendered(secretariat)
    secretariat.get_by_role("button", name="Trình chiếu", exact=True).click()
    expect(secretariat.locator(".pr")).to_have_attribute("data-presented", "1")
    for tablet in (tablet_a, tablet_b):
        expect(tablet).to_have_url(re.compile(rf"/papers/{world.other.id}/read#page=1$"))
    expect(tablet_c.locator("[data-page-input]")).to_have_value("3")
