"""The room screen in the browser: a display token (no sign-in) follows a whole vote live, and
revoking the token blanks the screen at once."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.conftest import DESKTOP, TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot

TV = {"width": 1920, "height": 1080}
QUESTION = "Thông qua dự án Luật Đất đai (sửa đổi) để trình Quốc hội?"


def create_screen(open_page, secretariat, meeting_id):
    """The secretariat creates a screen address on the meeting's room screen page."""
    desk = open_page(secretariat, DESKTOP, f"/meetings/{meeting_id}/manage")
    desk.get_by_role("link", name="Màn hình phòng họp").click()
    desk.get_by_label("Tên màn hình").fill("Màn hình chính")
    desk.get_by_role("button", name="Tạo địa chỉ màn hình").click()
    url = desk.locator("#display-url").get_attribute("href")
    assert url and "/display/" in url
    return desk, url


def confirm(page) -> None:
    """Answer the console's confirmation dialog (opening the session, closing a vote)."""
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button").last.click()
    expect(dialog).to_be_hidden()


def test_room_screen_follows_a_whole_vote(room, open_page, live_server):
    meeting_id, _items, (chair, first, second, secretariat) = room
    _desk, url = create_screen(open_page, secretariat, meeting_id)
    screen = open_page(None, TV, url.replace(live_server, ""))
    expect(screen.locator("body")).to_have_attribute("data-display", "live")
    expect(screen.locator("#d-item-label")).to_have_text("Phiên họp chưa khai mạc")

    console = open_page(chair, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live/console")
    tablet = open_page(first, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live")
    tablet_b = open_page(second, TABLET_PORTRAIT, f"/meetings/{meeting_id}/live")
    console.get_by_role("button", name="Khai mạc phiên họp").click()
    confirm(console)
    expect(screen.locator("#d-item-label")).to_have_text("Mục 1")
    expect(screen.locator("#d-item")).to_have_text("Dự án Luật Đất đai (sửa đổi)")
    for t in (tablet, tablet_b):
        t.get_by_role("button", name="Có mặt tại phòng họp").click()
        expect(t.locator("#checkin-status")).to_contain_text("Bạn đã điểm danh")
    # The chair is present from the opening (issue 16, finding 7).
    expect(screen.locator("#d-present")).to_have_text("Có mặt 3 / 3 thành viên")
    expect(screen.locator("#d-quorum-note")).to_have_text("Đủ số thành viên để biểu quyết")

    # A speaker, with the time they have spoken.
    tablet.get_by_role("button", name="Đăng ký phát biểu").click()
    console.get_by_role("button", name="Mời phát biểu").click()
    expect(screen.locator("#d-speaker")).to_have_text("Lê Minh An")
    expect(screen.locator("#d-speaker-org")).to_contain_text("Bộ Tài chính")
    expect(screen.locator("#d-speaker-clock")).to_have_text(re.compile(r"^\d+:\d\d$"))
    screenshot(screen, "room-screen-speaker-1920x1080")
    console.get_by_role("button", name="Kết thúc phát biểu").click()
    expect(screen.locator("#d-speaker")).to_have_text("Chưa có người phát biểu")

    # The vote: progress, then the result.
    console.locator("#f-question").fill(QUESTION)
    console.get_by_role("button", name="Mở biểu quyết").click()
    expect(screen.locator("#d-question")).to_have_text(QUESTION)
    expect(screen.locator("#d-voted")).to_have_text("0 / 3 đã biểu quyết")
    tablet.locator("label.choice--approve").click()
    expect(screen.locator("#d-voted")).to_have_text("1 / 3 đã biểu quyết")
    screenshot(screen, "room-screen-vote-1920x1080")
    tablet_b.locator("label.choice--disapprove").click()
    expect(screen.locator("#d-voted")).to_have_text("2 / 3 đã biểu quyết")
    # Never a running tally, nor a name, while the vote is open.
    expect(screen.locator("main")).not_to_contain_text("Tán thành")
    expect(screen.locator("main")).not_to_contain_text("Phạm Thu Hà")
    console.get_by_role("button", name="Kết thúc biểu quyết").click()
    confirm(console)
    result = screen.locator("#d-result [data-result]")
    expect(result.locator("[data-outcome]")).to_have_text("Không thông qua")
    expect(result.locator("[data-counts]")).to_contain_text("Tán thành 1 · Không tán thành 1")
    expect(result.locator("[data-rule]")).to_contain_text("cần 2 phiếu tán thành trên 3 thành viên")
    expect(screen.locator("#d-progress-wrap")).to_be_hidden()
    screenshot(screen, "room-screen-result-1920x1080")
    screen.set_viewport_size(TABLET_LANDSCAPE)  # the README's size; the same screen, smaller
    expect(result.locator("[data-outcome]")).to_be_in_viewport(ratio=1)
    screenshot(screen, "room-screen-result-1024x768")
    screen.set_viewport_size(TV)

    # The discussion goes on under a time limit: the next speaker and their time left beside
    # the result, which stays on the screen.
    console.locator("#speaking-limits summary").click()
    console.locator("#speaking-limit").select_option("120")
    tablet_b.get_by_role("button", name="Đăng ký phát biểu").click()
    console.get_by_role("button", name="Mời phát biểu").click()
    expect(screen.locator("body")).to_have_attribute("data-panels", "2")
    expect(screen.locator("#d-speaker")).to_have_text("Phạm Thu Hà")
    expect(screen.locator("#d-left")).to_have_text(re.compile(r"^(2:00|1:[0-5]\d)$"))
    expect(result.locator("[data-outcome]")).to_have_text("Không thông qua")
    for size, viewport in (("1920x1080", TV), ("1024x768", TABLET_LANDSCAPE)):
        screen.set_viewport_size(viewport)
        # Both on the screen, nothing to scroll: a room screen is never scrolled.
        expect(screen.locator("#d-left")).to_be_in_viewport(ratio=1)
        expect(result).to_be_in_viewport(ratio=1)
        screenshot(screen, f"room-screen-speaker-and-result-{size}")
    screen.set_viewport_size(TV)
    console.get_by_role("button", name="Kết thúc phát biểu").click()
    expect(screen.locator("#d-countdown")).to_be_hidden()

    # Moving to the restricted item: the screen shows its number only.
    console.locator("[data-goto]").last.click()
    expect(screen.locator("#d-item-label")).to_have_text("Mục 2")
    expect(screen.locator("#d-item")).to_have_text("Nội dung hạn chế")
    expect(screen.locator("main")).not_to_contain_text("Phương án nhân sự")
    expect(screen.locator("#d-vote-panel")).to_be_hidden()


def test_revoking_the_token_blanks_the_screen_at_once(room, open_page, live_server):
    meeting_id, _items, (_chair, _first, _second, secretariat) = room
    desk, url = create_screen(open_page, secretariat, meeting_id)
    path = url.replace(live_server, "")
    screen = open_page(None, TV, path)
    expect(screen.locator("body")).to_have_attribute("data-display", "live")
    expect(screen.locator("#d-meeting")).to_have_text(
        "Phiên họp Chính phủ thường kỳ tháng 4 năm 2026"
    )

    desk.get_by_role("button", name="Thu hồi").click()
    desk.locator("#confirm-dialog").get_by_role("button", name="Thu hồi").click()
    expect(desk.locator("#display-tokens")).to_contain_text("Đã thu hồi")
    # "Within a second" on a quiet machine; a generous bound for a busy one.
    expect(screen.locator("body")).to_have_attribute("data-display", "revoked", timeout=5_000)
    expect(screen.locator("#d-status")).to_have_text("Màn hình này đã bị thu hồi quyền hiển thị.")
    expect(screen.locator("#d-meeting")).to_have_text(
        "Phiên họp Chính phủ thường kỳ tháng 4 năm 2026"
    )
    expect(screen.locator("#d-item")).to_have_text("")
    screenshot(screen, "room-screen-revoked-1920x1080")
    # The address no longer opens anything.
    again = open_page(None, TV, path)
    assert "404" in again.title() or again.locator("h1").first.inner_text() != ""
    expect(again.locator("#d-meeting")).to_have_count(0)


def test_the_room_screen_says_when_the_secretariat_suspends_the_session(
    room, open_page, live_server
):
    meeting_id, _items, (_chair, _first, _second, secretariat) = room
    _desk, url = create_screen(open_page, secretariat, meeting_id)
    screen = open_page(None, TV, url.replace(live_server, ""))
    expect(screen.locator("body")).to_have_attribute("data-display", "live")
    # The secretariat conducts from the console for the chair: opens, suspends, resumes.
    console = open_page(secretariat, DESKTOP, f"/meetings/{meeting_id}/live/console")
    console.get_by_role("button", name="Khai mạc phiên họp").click()
    confirm(console)
    expect(screen.locator("#d-item-label")).to_have_text("Mục 1")

    console.get_by_role("button", name="Tạm dừng họp").click()
    confirm(console)
    expect(screen.locator("#d-item-label")).to_have_text("Phiên họp tạm dừng · Mục 1")
    expect(screen.locator("body")).to_have_attribute("data-phase", "suspended")
    expect(screen.locator("#d-item")).to_have_text("Dự án Luật Đất đai (sửa đổi)")
    expect(screen.locator("#d-speaker-panel")).to_be_hidden()
    screenshot(screen, "room-screen-suspended-1920x1080")

    console.get_by_role("button", name="Tiếp tục họp").click()
    expect(screen.locator("#d-item-label")).to_have_text("Mục 1")
    expect(screen.locator("body")).to_have_attribute("data-phase", "in_session")


def _speaking_since(meeting_id: int, seconds: int) -> None:
    """Move the current speaker's floor time `seconds` into the past (committed): the time the
    chair gave them the floor is the server's, and the screen counts from it."""
    from sqlalchemy import select

    from cabinet.db import db
    from meetings.live.models import SpeakerStatus, SpeakingRequest
    from meetings.models import AgendaItem

    db.session.remove()
    req = db.session.scalar(
        select(SpeakingRequest)
        .join(AgendaItem, SpeakingRequest.item_id == AgendaItem.id)
        .where(
            AgendaItem.meeting_id == meeting_id, SpeakingRequest.status == SpeakerStatus.SPEAKING
        )
    )
    req.floor_at = req.floor_at - timedelta(seconds=seconds)
    db.session.commit()
    db.session.remove()


def test_room_screen_counts_the_speakers_time_down(room, open_page, live_server):
    """Issue 16: "speaker and countdown". With a time per speaker the screen shows the time left,
    large, counting down from the server's clock; past it, "time is up" and the time over in a
    red panel; a reloaded (reconnected) screen shows the same; a new limit takes effect live."""
    meeting_id, _items, (chair, first, _second, secretariat) = room
    _desk, url = create_screen(open_page, secretariat, meeting_id)
    path = url.replace(live_server, "")
    screen = open_page(None, TABLET_LANDSCAPE, path)
    console = open_page(chair, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live/console")
    tablet = open_page(first, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live")
    console.get_by_role("button", name="Khai mạc phiên họp").click()
    confirm(console)
    expect(screen.locator("#d-item-label")).to_have_text("Mục 1")
    console.locator("#speaking-limits summary").click()
    console.locator("#speaking-limit").select_option("180")
    tablet.get_by_role("button", name="Có mặt tại phòng họp").click()
    expect(screen.locator("#d-present")).to_have_text("Có mặt 2 / 3 thành viên")
    tablet.get_by_role("button", name="Đăng ký phát biểu").click()
    console.get_by_role("button", name="Mời phát biểu").click()

    countdown = screen.locator("#d-countdown")
    left = screen.locator("#d-left")
    expect(screen.locator("#d-speaker")).to_have_text("Lê Minh An")
    expect(countdown).to_be_visible()
    expect(screen.locator("#d-countdown-label")).to_have_text("Thời gian phát biểu còn lại")
    expect(screen.locator("#d-limit")).to_have_text("Thời gian mỗi lượt phát biểu: 3:00")
    expect(left).to_have_text(re.compile(r"^(3:00|2:[0-5]\d)$"))
    expect(screen.locator("#d-speaker-clock")).to_be_hidden()  # the time left, not the time spoken
    first_value = left.inner_text()
    expect(left).not_to_have_text(first_value)  # it counts down (a wait on the clock, no sleep)
    assert _seconds(left.inner_text()) < _seconds(first_value)
    # Big enough to read from the back of the room: on a 1024 px screen as tall as a heading.
    assert left.bounding_box()["height"] >= 44
    screenshot(screen, "room-screen-countdown-1024x768")

    # 3 min 20 s after the floor was given: the time is up, by 20 s.
    _speaking_since(meeting_id, 200)
    expect(screen.locator("#d-countdown-label")).to_have_text("Đã hết thời gian phát biểu")
    expect(left).to_have_text(re.compile(r"^−0:[2-5]\d$"))
    expect(screen.locator("#d-speaker-panel")).to_have_attribute("data-over", "true")
    screenshot(screen, "room-screen-over-time-1024x768")

    # The screen reconnects (reloaded): the same state, from the server.
    screen.reload()
    expect(screen.locator("body")).to_have_attribute("data-display", "live")
    expect(screen.locator("#d-countdown-label")).to_have_text("Đã hết thời gian phát biểu")
    expect(left).to_have_text(re.compile(r"^−0:[2-5]\d$"))
    expect(screen.locator("#d-speaker-panel")).to_have_attribute("data-over", "true")

    # The chair gives five minutes per speaker: about 1:40 left, no longer over.
    console.locator("#speaking-limit").select_option("300")
    expect(screen.locator("#d-limit")).to_have_text("Thời gian mỗi lượt phát biểu: 5:00")
    expect(left).to_have_text(re.compile(r"^1:[0-4]\d$"))
    expect(screen.locator("#d-speaker-panel")).to_have_attribute("data-over", "false")
    expect(screen.locator("#d-countdown-label")).to_have_text("Thời gian phát biểu còn lại")

    console.get_by_role("button", name="Kết thúc phát biểu").click()
    expect(screen.locator("#d-speaker")).to_have_text("Chưa có người phát biểu")
    expect(countdown).to_be_hidden()


def _seconds(text: str) -> int:
    m, s = re.search(r"(\d+):(\d\d)", text).groups()
    return int(m) * 60 + int(s)
