"""A tap on a list that is being re-rendered live is not lost.

A tap is a press and a release. When a live update redraws a list between the two (innerHTML),
the press lands on the old link or button and the release on its replacement, and the browser
fires no click: the tap is lost (the end-to-end story lost the chair's tap this way on a busy
machine). Live lists update in place (static/js/dom.js), so the pressed element survives.

Each test presses a link or button, lets several real live updates of that list arrive while
the finger is down, then releases, and checks that the tap did what it should.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from cabinet.db import db, utcnow
from meetings.models import Meeting, MeetingParticipant, MeetingState, ParticipantRole
from tests.conftest import DESKTOP, TABLET_LANDSCAPE
from tests.voting.polls.helpers import build_session

UPDATES_PER_TAP = 4


@pytest.fixture
def meeting(committed_db, make_cabinet, longer_expect):
    """A published meeting (three items) of a five-member cabinet, committed for the live server."""
    setup = build_session(make_cabinet(n=5, deputies=0), open_session=False)
    db.session.commit()
    return setup


def press(page: Page, target) -> None:
    """Put a finger down on the middle of `target` (and keep it there)."""
    # Where a finger would be: the button in the middle of the screen, not half below its edge
    # (under the toasts that a reconnect shows at the bottom right).
    target.evaluate("(el) => el.scrollIntoView({ block: 'center' })")
    box = target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()


def connected(page: Page) -> None:
    expect(page.locator("#conn-pill")).to_have_attribute("data-state", "connected")


def test_a_tap_on_an_agenda_link_lands_while_the_agenda_is_reordered_live(meeting, open_page):
    first, second, third = (item.id for item in meeting.items)
    member = open_page(meeting.cab.members[1], TABLET_LANDSCAPE, f"/meetings/{meeting.meeting.id}")
    expect(member.locator("body")).to_have_attribute("data-live", "ready")
    secretariat = open_page(
        meeting.cab.secretariat, DESKTOP, f"/meetings/{meeting.meeting.id}/manage"
    )
    expect(secretariat.locator("body")).to_have_attribute("data-live", "ready")

    def reorder(order: list[int]) -> None:
        # Through the API the manage page uses; the server broadcasts agenda.reordered.
        secretariat.evaluate(
            """async (order) => {
              const { putJSON } = await import("/static/js/http.js");
              await putJSON(document.getElementById("agenda").dataset.reorderUrl, { order });
            }""",
            order,
        )
        # The member's agenda has been redrawn in the new order.
        member.wait_for_function(
            "ids => [...document.querySelectorAll('#agenda [data-item-id]')]"
            ".map((li) => Number(li.dataset.itemId)).join() === ids.join()",
            arg=order,
        )

    link = member.locator(f"#item-{first} .agenda__title a")
    press(member, link)
    for n in range(UPDATES_PER_TAP):
        reorder([first, third, second] if n % 2 == 0 else [first, second, third])
    member.mouse.up()
    expect(member).to_have_url(re.compile(rf"/meetings/items/{first}$"))


def test_a_tap_on_give_the_floor_lands_while_the_queue_changes_live(meeting, open_page):
    cab = meeting.cab
    chair, a, b, c = cab.members[0], cab.members[1], cab.members[2], cab.members[3]
    live_path = f"/meetings/{meeting.meeting.id}/live"
    console = open_page(chair, DESKTOP, f"{live_path}/console")
    tablets = {person.id: open_page(person, TABLET_LANDSCAPE, live_path) for person in (a, b, c)}
    for page in (console, *tablets.values()):
        connected(page)
    console.get_by_role("button", name="Khai mạc phiên họp").click()
    console.get_by_role("dialog").get_by_role(
        "button", name="Khai mạc phiên họp"
    ).click()  # confirmed in the dialog
    for page in tablets.values():
        expect(page.locator("#now-banner")).to_contain_text("mục 1")

    def ask(person, to_speak: bool) -> None:
        tablet = tablets[person.id]
        tablet.get_by_role(
            "button", name="Đăng ký phát biểu" if to_speak else "Rút đăng ký"
        ).click()
        entry = console.locator("#queue .queue__entry", has_text=person.name)
        expect(entry).to_have_count(1 if to_speak else 0)

    ask(a, True)
    give_floor = console.locator("#queue .queue__entry", has_text=a.name).get_by_role(
        "button", name="Mời phát biểu"
    )
    press(console, give_floor)
    # B and C join and leave the queue while the chair's finger is down: the queue is redrawn.
    for person, to_speak in ((b, True), (c, True), (b, False), (c, False)):
        ask(person, to_speak)
    console.mouse.up()
    expect(console.locator("#queue .queue__entry--speaking")).to_contain_text(a.name)
    expect(tablets[a.id].locator("#queue .queue__entry--speaking")).to_contain_text(a.name)


def test_a_tap_on_go_to_item_lands_while_the_console_resyncs(meeting, open_page):
    cab = meeting.cab
    meeting_id = meeting.meeting.id
    live_path = f"/meetings/{meeting_id}/live"
    console = open_page(cab.members[0], DESKTOP, f"{live_path}/console")
    tablet = open_page(cab.members[1], TABLET_LANDSCAPE, live_path)
    for page in (console, tablet):
        connected(page)
    console.get_by_role("button", name="Khai mạc phiên họp").click()
    console.get_by_role("dialog").get_by_role(
        "button", name="Khai mạc phiên họp"
    ).click()  # confirmed in the dialog
    expect(tablet.locator("#now-banner")).to_contain_text("mục 1")
    # A probe that follows the same meeting: after a reconnect it gets the snapshot just after
    # the console drew it, so the test knows the console's whole page has been redrawn.
    console.evaluate(
        """(id) => { window.__snapshots = 0;
                     window.__realtime.joinMeeting(id, () => { window.__snapshots += 1; }); }""",
        meeting_id,
    )
    console.wait_for_function("() => window.__snapshots >= 1")

    second = meeting.items[1].id
    go_to = console.locator(f'#agenda [data-goto="{second}"]')
    expect(go_to).to_be_enabled()
    press(console, go_to)
    for _ in range(UPDATES_PER_TAP):
        # The console drops off the network and comes back: it resyncs from a fresh snapshot.
        # (Other resyncs may land too, e.g. the ones that followed the opening: count upwards.)
        seen = console.evaluate("() => window.__snapshots")
        console.context.set_offline(True)
        expect(console.locator("#conn-pill")).to_have_attribute("data-state", "offline")
        console.context.set_offline(False)
        console.wait_for_function("(seen) => window.__snapshots > seen", arg=seen)
    console.mouse.up()
    expect(tablet.locator("#now-banner")).to_contain_text("mục 2")
    expect(console.locator(f'#agenda [data-goto="{second}"]')).to_have_count(0)


def test_a_tap_on_a_meeting_in_my_meetings_lands_while_the_list_refreshes(meeting, open_page):
    cab = meeting.cab
    later = Meeting(
        title="Phiên họp Chính phủ chuyên đề về xây dựng pháp luật",
        number="04/2025",
        starts_at=utcnow() + timedelta(days=5),
        place="Trụ sở Chính phủ",
        chair_id=cab.chair.id,
        state=MeetingState.DRAFT,
    )
    later.participants.extend(
        MeetingParticipant(user_id=m.id, role=ParticipantRole.MEMBER) for m in cab.members
    )
    db.session.add(later)
    db.session.commit()
    member = open_page(cab.members[1], TABLET_LANDSCAPE, "/meetings/my")
    connected(member)
    secretariat = open_page(cab.secretariat, DESKTOP, f"/meetings/{later.id}/manage")
    token = secretariat.locator('meta[name="csrf-token"]').get_attribute("content")

    card = member.locator(f'a[data-meeting-id="{meeting.meeting.id}"]')
    press(member, card)
    # The other meeting is published and withdrawn again, twice: each change refreshes the list.
    for state in ("published", "draft", "published", "draft"):
        response = secretariat.request.post(
            f"{secretariat.url.rsplit('/meetings/', 1)[0]}/meetings/{later.id}/state",
            form={"state": state, "csrf_token": token},
        )
        assert response.ok, response.status
        expect(member.locator(f'a[data-meeting-id="{later.id}"]')).to_have_count(
            1 if state == "published" else 0
        )
    member.mouse.up()
    expect(member).to_have_url(re.compile(rf"/meetings/{meeting.meeting.id}$"))
