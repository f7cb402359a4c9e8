"""The room screen in the browser: a display token (no sign-in) follows a whole vote live, and
revoking the token blanks the screen at once."""

from __future__ import annotations

import re

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
    expect(screen.locator("#d-speaker")).to_have_text("Bộ trưởng Lê Minh An")
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
