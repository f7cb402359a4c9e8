"""Issue 16 in the browser, "the state is always true": the chair suspends the session from the
console (a real dialog, an optional reason); a member's tablet, the console and the room screen
say "Tạm dừng" at once and offer no "Đăng ký phát biểu" and no vote; a tablet that reloads
finds it suspended; resuming brings everything back. A vote open refuses the suspension."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from cabinet import heartbeat
from cabinet.db import db, utcnow
from meetings.models import Meeting
from tests.a11y.test_axe import blocking
from tests.conftest import DESKTOP, TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot
from tests.meetings.live.test_console_browser import (
    QUESTION,
    check_in,
    confirm,
    console_of,
    open_session,
    tablet_of,
)
from tests.voting.polls.helpers import build_session

REASON = "Giải lao 15 phút"


@pytest.fixture
def room(committed_db, make_cabinet, manual_progress):
    """A published session of a five-member cabinet (quorum 4), committed for the live server."""
    manual_progress.autostart = True
    cab = make_cabinet(5, deputies=1)
    world = build_session(cab, open_session=False)
    db.session.commit()
    return SimpleNamespace(
        cab=cab,
        meeting_id=world.meeting.id,
        item_id=world.items[0].id,
        chair=cab.chair,
        m=cab.members,
    )


def suspend(console, reason: str = REASON):
    console.get_by_role("button", name="Tạm dừng họp").click()
    dialog = console.get_by_role("dialog")
    expect(dialog).to_contain_text("Lý do tạm dừng")
    dialog.get_by_role("textbox").fill(reason)
    dialog.get_by_role("button", name="Tạm dừng phiên họp").click()
    expect(dialog).to_be_hidden()


def test_the_chair_suspends_and_a_member_tablet_follows(room, open_page):
    console = console_of(room, open_page)
    tablet = tablet_of(room, open_page, room.m[1], TABLET_PORTRAIT)
    prompts = []
    console.on("dialog", lambda d: (prompts.append(d.message), d.dismiss()))
    open_session(console)
    check_in(tablet)
    request = tablet.get_by_role("button", name="Đăng ký phát biểu")
    expect(request).to_be_visible()

    # "Hủy" in the dialog leaves the session running.
    console.get_by_role("button", name="Tạm dừng họp").click()
    confirm(console, answer=False)
    expect(console.get_by_role("button", name="Tạm dừng họp")).to_be_visible()

    suspend(console)
    for page in (console, tablet):
        state = page.locator("#session-state")
        expect(state).to_be_visible()
        expect(state).to_contain_text("Phiên họp đang tạm dừng")
        expect(state).to_contain_text(REASON)
    expect(request).to_be_hidden()
    for page in (console, tablet):  # the item stays in view, under "Tạm dừng"
        expect(page.locator("#now-banner .now-banner__label")).to_have_text("Tạm dừng")
    expect(console.locator("#vote-form")).to_be_hidden()
    expect(console.get_by_role("button", name="Tiếp tục họp")).to_be_visible()
    expect(console.get_by_role("button", name="Tạm dừng họp")).to_be_hidden()
    screenshot(console, "suspended-console-1024x768")
    screenshot(tablet, "suspended-tablet-768x1024")
    for p in (console, tablet):
        assert blocking(p) == []  # axe-core: no serious or critical violation

    # A tablet that reloads (or reconnects) finds the session suspended; so does the meeting page.
    tablet.reload()
    expect(tablet.locator("#session-state")).to_contain_text("Phiên họp đang tạm dừng")
    expect(tablet.locator("#now-banner")).to_be_visible()
    expect(tablet.get_by_role("button", name="Đăng ký phát biểu")).to_be_hidden()
    page = open_page(room.m[2], TABLET_LANDSCAPE, f"/meetings/{room.meeting_id}")
    expect(page.locator("[data-meeting-state]")).to_contain_text("Tạm dừng")
    # In English too, on a tablet that joins now.
    room.m[3].locale = "en"
    db.session.commit()
    english = open_page(room.m[3], TABLET_LANDSCAPE, f"/meetings/{room.meeting_id}/live", "en-GB")
    expect(english.locator("#session-state")).to_contain_text(f"The session is suspended: {REASON}")
    expect(english.get_by_role("button", name="Ask to speak")).to_be_hidden()

    # The server refuses too, with a clear message (a page made up to ask anyway).
    ack = tablet.evaluate(
        """(m) => window.__realtime.request('speaking.request', {meeting_id: m.id, item_id: m.item})
             .then(() => 'accepted', (err) => err.message)""",
        {"id": room.meeting_id, "item": room.item_id},
    )
    assert "tạm dừng" in ack

    console.get_by_role("button", name="Tiếp tục họp").click()
    for p in (console, tablet):
        expect(p.locator("#session-state")).to_be_hidden()
    expect(tablet.get_by_role("button", name="Đăng ký phát biểu")).to_be_visible()
    expect(tablet.locator("#now-banner .now-banner__label")).to_have_text("Đang thảo luận")
    expect(console.locator("#vote-form")).to_be_visible()
    expect(page.locator("[data-meeting-state]")).to_contain_text("Đang họp")
    expect(english.locator("#session-state")).to_be_hidden()
    assert prompts == []  # no window.confirm / window.prompt on the way


def test_an_open_vote_is_closed_before_the_session_is_suspended(room, open_page):
    console = console_of(room, open_page)
    open_session(console)
    for member in room.m[1:4]:
        check_in(tablet_of(room, open_page, member))
    console.locator("#f-question").fill(QUESTION)
    console.get_by_role("button", name="Mở biểu quyết").click()
    expect(console.locator("#vote-live")).to_be_visible()
    console.get_by_role("button", name="Tạm dừng họp").click()
    expect(console.locator(".toast").last).to_contain_text("kết thúc biểu quyết trước khi tạm dừng")
    expect(console.get_by_role("dialog")).to_be_hidden()
    expect(console.locator("#session-state")).to_be_hidden()


def test_a_tablet_that_missed_the_suspension_learns_it_from_the_heartbeat(app, room, open_page):
    console = console_of(room, open_page)
    open_session(console)
    tablet = tablet_of(room, open_page, room.m[1])
    expect(tablet.get_by_role("button", name="Đăng ký phát biểu")).to_be_visible()
    mid = room.meeting_id
    tablet.wait_for_function(
        f"() => typeof window.__realtime?.debugState().revisions[{mid}] === 'number'"
    )
    held = tablet.evaluate(f"() => window.__realtime.debugState().revisions[{mid}]")
    # Suspended in the database, its broadcast lost (Redis down, a worker restarting).
    db.session.execute(
        Meeting.__table__.update()
        .where(Meeting.id == mid)
        .values(suspended_at=utcnow(), suspension_reason=REASON, revision=held + 1)
    )
    db.session.commit()
    expect(tablet.locator("#session-state")).to_be_hidden()

    assert heartbeat.beat(app) >= 1
    expect(tablet.locator("#session-state")).to_contain_text("Phiên họp đang tạm dừng")
    expect(tablet.get_by_role("button", name="Đăng ký phát biểu")).to_be_hidden()


def test_the_secretariat_suspends_from_the_meeting_page_and_the_tablet_follows(room, open_page):
    desk = open_page(room.cab.secretariat, DESKTOP, f"/meetings/{room.meeting_id}/manage")
    desk.get_by_role("button", name="Khai mạc phiên họp").click()
    confirm(desk)
    tablet = tablet_of(room, open_page, room.m[1], TABLET_PORTRAIT)
    expect(tablet.locator("#session-state")).to_be_hidden()
    desk.get_by_role("button", name="Tạm dừng họp").click()
    expect(desk.get_by_role("dialog")).to_contain_text("không thể đăng ký phát biểu")
    confirm(desk)
    expect(desk.locator("[data-meeting-state]")).to_contain_text("Tạm dừng")
    expect(tablet.locator("#session-state")).to_contain_text("Phiên họp đang tạm dừng")
    screenshot(desk, "suspended-manage-desktop")
    assert blocking(desk) == []
    desk.get_by_role("button", name="Tiếp tục họp").click()
    expect(desk.locator("[data-meeting-state]")).to_contain_text("Đang họp")
    expect(tablet.locator("#session-state")).to_be_hidden()
