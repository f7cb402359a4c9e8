"""Issue 16 in the browser, as the chair and the members live the session: the state is always
true (findings 1, 2), the chair keeps the result in view (4), toasts do not go stale and a
double tap opens one vote (5), attendance (7), and the speaking-time countdown."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from cabinet.db import db, utcnow
from meetings.models import Meeting
from tests.conftest import DESKTOP, TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot
from tests.voting.polls.helpers import build_session

QUESTION = "Thông qua dự án Luật Đất đai (sửa đổi) để trình Quốc hội?"


@pytest.fixture
def room(committed_db, make_cabinet, manual_progress):
    """A published session of a five-member cabinet (quorum 4), committed for the live server."""
    manual_progress.autostart = True
    cab = make_cabinet(5, deputies=1)
    world = build_session(cab, open_session=False)
    db.session.commit()
    return SimpleNamespace(cab=cab, meeting_id=world.meeting.id, chair=cab.chair, m=cab.members)


def console_of(room, open_page, viewport=TABLET_LANDSCAPE):
    page = open_page(room.chair, viewport, f"/meetings/{room.meeting_id}/live/console")
    expect(page.locator("#agenda li").first).to_be_visible()
    return page


def tablet_of(room, open_page, who, viewport=TABLET_LANDSCAPE):
    page = open_page(who, viewport, f"/meetings/{room.meeting_id}/live")
    expect(page.locator("#agenda li").first).to_be_visible()
    return page


def confirm(page, answer: bool = True):
    """Answer the page's confirmation dialog (a real <dialog>, never window.confirm)."""
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    name = re.compile("Hủy|Cancel") if not answer else None
    buttons = dialog.get_by_role("button")
    (buttons.filter(has_text=name) if name else buttons.last).click()
    expect(dialog).to_be_hidden()


def open_session(console):
    console.get_by_role("button", name="Khai mạc phiên họp").click()
    confirm(console)
    expect(console.locator("#now-banner")).to_be_visible()


def check_in(tablet):
    tablet.get_by_role("button", name="Có mặt tại phòng họp").click()
    expect(tablet.locator("#checkin-status")).to_contain_text("Bạn đã điểm danh")


def test_finding_1_a_closed_session_looks_closed_at_once(room, open_page):
    console = console_of(room, open_page)
    tablet = tablet_of(room, open_page, room.m[1], TABLET_PORTRAIT)
    expect(tablet.locator("#session-state")).to_contain_text("chưa khai mạc")
    open_session(console)
    expect(tablet.locator("#now-banner")).to_contain_text("mục 1")
    expect(tablet.get_by_role("button", name="Đăng ký phát biểu")).to_be_visible()

    # The member's meeting page and "My meetings" follow the state too.
    meeting_page = open_page(room.m[1], TABLET_LANDSCAPE, f"/meetings/{room.meeting_id}")
    my_meetings = open_page(room.m[1], TABLET_LANDSCAPE, "/meetings/my")
    expect(meeting_page.locator("[data-meeting-state]")).to_contain_text("Đang họp")
    expect(my_meetings.locator("#h-live")).to_be_visible()
    for page in (meeting_page, my_meetings):
        expect(page.locator("#conn-pill")).to_have_attribute("data-state", "connected")

    # Closed through the socket as any client would (finding 2's dialog is tested below).
    console.evaluate(
        "(id) => window.__realtime.request('session.close', {meeting_id: id})", room.meeting_id
    )
    for page in (tablet, console):
        expect(page.locator("#session-state")).to_contain_text("Phiên họp đã bế mạc")
        expect(page.locator("#now-banner")).to_be_hidden()
        expect(page.locator("#now-timer[data-stopwatch]")).to_have_count(0)
    expect(tablet.get_by_role("button", name="Đăng ký phát biểu")).to_be_hidden()
    expect(tablet.locator("#checkin-card")).to_be_hidden()
    expect(console.locator("#vote-form")).to_be_hidden()
    expect(console.get_by_role("button", name="Bế mạc phiên họp")).to_be_hidden()
    expect(console.get_by_role("button", name="Khai mạc phiên họp")).to_be_hidden()
    expect(console.locator("[data-goto]")).to_have_count(0)

    expect(meeting_page.locator("[data-meeting-state]")).to_contain_text("Đã bế mạc")
    expect(my_meetings.locator("#h-live")).to_have_count(0)

    # A tablet that comes back later sees the same.
    tablet.reload()
    expect(tablet.locator("#session-state")).to_contain_text("Phiên họp đã bế mạc")
    expect(tablet.locator("#now-banner")).to_be_hidden()
    expect(tablet.get_by_role("button", name="Đăng ký phát biểu")).to_be_hidden()


def test_finding_2_closing_and_opening_early_ask_first(room, open_page):
    with room_meeting(room) as meeting:
        meeting.starts_at = utcnow() + timedelta(days=7)
    console = console_of(room, open_page)
    prompts = []
    console.on("dialog", lambda d: (prompts.append(d.message), d.dismiss()))

    # Opening a session planned for next week warns first; "Hủy" leaves it planned.
    console.get_by_role("button", name="Khai mạc phiên họp").click()
    expect(console.get_by_role("dialog")).to_contain_text("dự kiến")
    confirm(console, answer=False)
    expect(console.locator("#session-state")).to_contain_text("chưa khai mạc")
    open_session(console)

    console.get_by_role("button", name="Bế mạc phiên họp").click()
    expect(console.get_by_role("dialog")).to_contain_text("Bế mạc")
    confirm(console, answer=False)
    expect(console.locator("#now-banner")).to_be_visible()
    expect(console.get_by_role("button", name="Bế mạc phiên họp")).to_be_visible()

    console.get_by_role("button", name="Bế mạc phiên họp").click()
    confirm(console)
    expect(console.locator("#session-state")).to_contain_text("Phiên họp đã bế mạc")
    assert prompts == []  # no window.confirm / window.prompt on the way


def test_finding_4_the_chair_keeps_the_result_and_gets_a_clean_form(room, open_page):
    console = console_of(room, open_page)
    errors = []
    console.on("pageerror", lambda e: errors.append(str(e)))
    console.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_session(console)
    for member in room.m[1:4]:
        check_in(tablet_of(room, open_page, member))
    expect(console.locator("#quorum")).to_have_attribute("data-quorum-met", "true")

    console.locator("#f-question").fill(QUESTION)
    console.get_by_role("button", name="Mở biểu quyết").click()
    expect(console.locator("#vote-question")).to_have_text(QUESTION)
    console.get_by_role("button", name="Kết thúc biểu quyết").click()
    confirm(console)

    expect(console.locator("#vote-result [data-result]")).to_be_visible()
    expect(console.locator("#f-question")).to_have_value("")
    console.evaluate("() => window.scrollTo(0, 0)")
    screenshot(console, "live-console-result-1024x768")
    # Item, timer, quorum, speakers, the form and the last result: all on the 1024×768 screen.
    for selector in ("#now-banner", "#quorum", "#queue-card", "#vote-form", "#vote-result"):
        expect(console.locator(selector)).to_be_in_viewport(ratio=1)
    assert console.evaluate("() => window.scrollY") == 0
    assert not [e for e in errors if "poll" in e], errors


def test_finding_5_no_stale_toasts_and_a_double_tap_opens_one_vote(room, open_page):
    console = console_of(room, open_page)
    open_session(console)

    # Without a quorum the vote is refused with the numbers ...
    console.locator("#f-question").fill(QUESTION)
    console.get_by_role("button", name="Mở biểu quyết").click()
    refusal = console.locator(".toast--error")
    expect(refusal).to_contain_text("Chưa đủ số thành viên")
    # ... and the refusal goes once the quorum it was about is met.
    for member in room.m[1:4]:
        check_in(tablet_of(room, open_page, member))
    expect(console.locator("#quorum")).to_have_attribute("data-quorum-met", "true")
    expect(refusal).to_have_count(0)

    console.locator("#f-question").fill(QUESTION)
    console.get_by_role("button", name="Mở biểu quyết").dblclick()
    expect(console.locator("#vote-question")).to_have_text(QUESTION)
    expect(console.locator("#vote-progress")).to_contain_text("0 / 4")
    expect(console.locator(".toast--error")).to_have_count(0)
    from voting.polls.models import Poll

    db.session.remove()
    assert db.session.query(Poll).filter_by(meeting_id=room.meeting_id).count() == 1


def test_finding_7_attendance_chair_present_all_present_and_leave_in_a_dialog(room, open_page):
    console = console_of(room, open_page)
    open_session(console)
    # The chair who opened the session is present.
    expect(console.locator("#quorum [data-stat-value]")).to_contain_text("1")
    board = open_page(room.cab.secretariat, DESKTOP, f"/meetings/{room.meeting_id}/live/attendance")
    chair_row = board.locator(f'tr[data-user="{room.chair.id}"]')
    expect(chair_row.locator("[data-status]")).to_contain_text("Có mặt")
    expect(chair_row.get_by_role("button", name="Có mặt")).to_have_attribute("aria-pressed", "true")

    prompts = []
    board.on("dialog", lambda d: (prompts.append(d.message), d.dismiss()))
    away = board.locator(f'tr[data-user="{room.m[4].id}"]')
    away.get_by_role("button", name="Vắng có phép").click()
    dialog = board.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("textbox").fill("Đi công tác nước ngoài")
    dialog.get_by_role("button", name="Ghi nhận").click()
    expect(away.locator("[data-status]")).to_contain_text("Đi công tác nước ngoài")
    expect(away.get_by_role("button", name="Vắng có phép")).to_have_attribute(
        "aria-pressed", "true"
    )

    board.get_by_role("button", name="Tất cả có mặt").click()
    confirm(board)
    # Everyone not yet marked is present; the member away with leave stays away.
    expect(board.locator("#quorum [data-stat-value]")).to_contain_text("4")
    expect(console.locator("#quorum [data-stat-value]")).to_contain_text("4")
    expect(away.locator("[data-status]")).to_contain_text("Vắng có phép")
    assert prompts == []


def test_the_speaker_sees_the_countdown_of_their_time(room, open_page):
    console = console_of(room, open_page)
    open_session(console)
    speaker = tablet_of(room, open_page, room.m[1], TABLET_PORTRAIT)
    console.locator("#speaking-limits summary").click()
    console.locator("#speaking-limit").select_option("180")
    speaker.get_by_role("button", name="Đăng ký phát biểu").click()
    console.get_by_role("button", name="Mời phát biểu").click()

    mine = speaker.locator("#my-countdown")
    expect(mine).to_be_visible()
    # Speaking already: the tablet does not offer to ask for the floor again.
    expect(speaker.get_by_role("button", name="Đăng ký phát biểu")).to_be_hidden()
    expect(mine).to_contain_text(re.compile(r"[0-3]:\d\d"))
    expect(console.locator("#queue [data-countdown-speaker]")).to_contain_text(
        re.compile(r"[0-3]:\d\d")
    )
    # The count goes down (waits on the clock, not a sleep).
    first = mine.inner_text()
    expect(mine).not_to_have_text(first, timeout=5_000)
    assert _seconds(mine.inner_text()) <= 180
    console.get_by_role("button", name="Kết thúc phát biểu").click()
    expect(mine).to_be_hidden()
    expect(speaker.get_by_role("button", name="Đăng ký phát biểu")).to_be_visible()


def _seconds(text: str) -> int:
    m, s = re.search(r"(\d+):(\d\d)", text).groups()
    return int(m) * 60 + int(s)


class room_meeting:
    """`with room_meeting(room) as meeting:` change the committed meeting before pages load."""

    def __init__(self, room):
        self.room = room

    def __enter__(self):
        db.session.remove()
        self.meeting = db.session.get(Meeting, self.room.meeting_id)
        return self.meeting

    def __exit__(self, *exc):
        db.session.commit()
        db.session.remove()


def test_screens_of_the_chair_console_and_the_speakers_tablet(room, open_page):
    """The README's screens: the console at 1024×768 after a vote, with a speaker on the clock,
    and that speaker's portrait tablet (test-artifacts/screens/, copied to docs/img/tour/)."""
    names = ["Lê Minh An", "Phạm Thu Hà", "Đỗ Quang Vinh", "Nguyễn Văn Bình"]
    # The Government's ministries since the 2025 reorganisation.
    ministries = ["Bộ Tài chính", "Bộ Nông nghiệp và Môi trường", "Bộ Xây dựng", "Bộ Ngoại giao"]
    db.session.remove()
    for user, name, ministry in zip(room.m[1:], names, ministries, strict=True):
        user = db.session.merge(user)
        user.name, user.title, user.ministry = name, "Bộ trưởng", ministry
    db.session.commit()
    console = console_of(room, open_page)
    open_session(console)
    tablets = [tablet_of(room, open_page, member) for member in room.m[1:4]]
    for tablet in tablets:
        check_in(tablet)
    console.locator("#speaking-limits summary").click()
    console.locator("#speaking-limit").select_option("300")
    speaker = tablet_of(room, open_page, room.m[2], TABLET_PORTRAIT)
    console.locator("#f-question").fill(QUESTION)
    console.get_by_role("button", name="Mở biểu quyết").click()
    for tablet, choice in zip(tablets, ("approve", "approve", "approve"), strict=True):
        tablet.locator(f"label.choice--{choice}").click()
        expect(tablet.locator("[data-receipt]")).to_contain_text("Biên nhận")
    console.get_by_role("button", name="Kết thúc biểu quyết").click()
    confirm(console)
    expect(console.locator("#vote-result [data-result]")).to_be_visible()
    for tablet in (tablets[0], speaker):
        tablet.get_by_role("button", name="Đăng ký phát biểu").click()
    expect(console.locator("#queue .queue__entry")).to_have_count(2)
    console.locator("#queue .queue__entry", has_text=names[1]).get_by_role(
        "button", name="Mời phát biểu"
    ).click()
    expect(speaker.locator("#my-countdown")).to_be_visible()
    expect(console.locator("#queue [data-countdown-speaker]")).to_contain_text(":")
    expect(speaker.locator("#my-countdown [data-left]")).to_contain_text("4:")  # counting down
    console.evaluate("() => window.scrollTo(0, 0)")
    speaker.evaluate("() => window.scrollTo(0, 0)")
    screenshot(console, "live-console-1024x768")
    screenshot(speaker, "live-speaker-tablet-768x1024")
