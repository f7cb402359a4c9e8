"""Issue 16, finding 8: wherever a member appears, the page names their title AND ministry; the
readers of a classified paper are picked from groups (members, deputies, staff, invitees), never
from admin accounts. In a real browser, on the pages the secretariat and the chair use."""

from __future__ import annotations

from playwright.sync_api import expect

from cabinet.glossary import office
from tests.a11y.test_axe import World, _attendance_ready, _console_ready
from tests.conftest import DESKTOP, TABLET_LANDSCAPE


def test_office_names_title_and_ministry_once():
    assert office({"title": "Bộ trưởng", "ministry": "Bộ Tư pháp"}) == "Bộ trưởng, Bộ Tư pháp"
    assert office({"title": "Thủ tướng Chính phủ", "ministry": "Chính phủ"}) == (
        "Thủ tướng Chính phủ"
    )
    assert office({"title": "", "ministry": "Bộ Y tế"}) == "Bộ Y tế"


def test_people_are_named_with_their_ministry_everywhere(
    app, committed_db, make_cabinet, open_page
):
    world = World(app, make_cabinet(n=5, deputies=1))
    speaker = world.cab.members[2]  # asks for the floor in the session
    member = world.member

    console = open_page(world.chair, TABLET_LANDSCAPE, f"/meetings/{world.session.id}/live/console")
    world.vote  # noqa: B018  (the console waits for the open vote)
    _console_ready(console)
    expect(console.locator("#queue .queue__entry")).to_contain_text(speaker.ministry)

    board = open_page(world.sec, DESKTOP, f"/meetings/{world.session.id}/live/attendance")
    _attendance_ready(board)
    expect(board.locator("main")).to_contain_text(f"Bộ trưởng, {member.ministry}")

    ballots = open_page(world.sec, DESKTOP, f"/ballots/{world.ballot.id}/board")
    expect(ballots.locator("main")).to_contain_text(f"Bộ trưởng, {member.ministry}")

    form = open_page(world.sec, DESKTOP, "/meetings/new")
    invitee = form.locator("label.check", has_text=world.cab.invitee.name)
    expect(invitee).to_contain_text(world.cab.invitee.ministry)

    # The minutes of the session name the speaker with their ministry too.
    minutes = world.minutes
    draft = open_page(world.sec, DESKTOP, f"/records/meetings/{minutes.meeting_id}/minutes")
    expect(draft.locator("main")).to_contain_text(speaker.ministry)


def test_the_reader_picker_is_grouped_and_has_no_admin(app, committed_db, make_cabinet, open_page):
    world = World(app, make_cabinet(n=5, deputies=1))
    page = open_page(world.sec, DESKTOP, f"/meetings/items/{world.draft.items[0].id}")
    picker = page.locator("[data-readers]")
    groups = picker.locator("[data-reader-group] legend")
    expect(groups).to_have_text(
        ["Thành viên Chính phủ", "Người dự thay", "Văn phòng Chính phủ", "Khách mời"]
    )
    expect(picker).to_contain_text(f"Bộ trưởng, {world.member.ministry}")
    expect(picker).not_to_contain_text(world.cab.admin.name)
    members = picker.locator("[data-reader-group]").first.locator("input[name=reader_ids]")
    expect(members).to_have_count(5)
