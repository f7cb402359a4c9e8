"""In the browser: chair console and two member tablets run a vote; a tablet drops and returns."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cabinet.db import db, utcnow
from cabinet.users.models import CabinetSeat, Role, User
from meetings.models import AgendaItem, Meeting, MeetingParticipant, MeetingState, ParticipantRole
from tests.conftest import DESKTOP, TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot
from tests.voting.polls.helpers import committed_meeting


@pytest.fixture
def small_cabinet(committed_db, password_hash, manual_progress):
    """Chair + two members (quorum 2 of 3), committed for the live server; progress on a timer."""
    manual_progress.autostart = True
    meeting, people = committed_meeting(
        password_hash,
        [
            ("Thủ tướng Trần Quốc Hưng", {Role.CHAIR, Role.MEMBER}, {}),
            ("Bộ trưởng Lê Minh An", {Role.MEMBER}, {}),
            ("Bộ trưởng Phạm Thu Hà", {Role.MEMBER}, {}),
        ],
        email="browser",
        number="05/2025",
        title="Phiên họp Chính phủ chuyên đề xây dựng pháp luật",
        items=[
            AgendaItem(
                position=1,
                title="Dự án Luật Đất đai (sửa đổi)",
                ministry="Bộ Tài nguyên và Môi trường",
                planned_minutes=30,
            ),
            AgendaItem(
                position=2,
                title="Nghị định về quản lý nợ công",
                ministry="Bộ Tài chính",
                planned_minutes=20,
            ),
        ],
    )
    return meeting.id, people


def test_console_and_two_tablets_vote_and_a_tablet_reconnects(small_cabinet, open_page):
    meeting_id, (chair, first, second) = small_cabinet
    console = open_page(chair, DESKTOP, f"/meetings/{meeting_id}/live/console")
    tablet_a = open_page(first, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live")
    tablet_b = open_page(second, TABLET_PORTRAIT, f"/meetings/{meeting_id}/live")

    console.get_by_role("button", name="Khai mạc phiên họp").click()
    console.get_by_role("dialog").get_by_role(
        "button", name="Khai mạc phiên họp"
    ).click()  # confirmed in the dialog
    for tablet in (tablet_a, tablet_b):
        expect(tablet.locator("#now-banner")).to_contain_text("mục 1")
        tablet.get_by_role("button", name="Có mặt tại phòng họp").click()
        expect(tablet.locator("#checkin-status")).to_contain_text("Bạn đã điểm danh")
    expect(console.locator("#quorum [data-stat-value]")).to_contain_text(
        "3"
    )  # the chair counts from the opening
    screenshot(tablet_a, "live-tablet-checked-in-1024x768")

    console.locator("#f-question").fill("Thông qua dự án Luật Đất đai (sửa đổi) để trình Quốc hội?")
    console.get_by_role("button", name="Mở biểu quyết").click()
    for tablet in (tablet_a, tablet_b):
        expect(tablet.locator(".vote-panel__question")).to_contain_text("Thông qua dự án Luật")
    tablet_a.locator("label.choice--approve").click()
    expect(tablet_a.locator("[data-receipt]")).to_contain_text("Tán thành")
    tablet_b.locator("label.choice--approve").click()
    expect(tablet_b.locator("[data-receipt]")).to_contain_text("Biên nhận")
    screenshot(tablet_a, "live-tablet-voted-1024x768")
    screenshot(tablet_b, "live-tablet-voted-768x1024")

    # The second tablet drops mid-vote, changes its choice while offline, comes back.
    tablet_b.context.set_offline(True)
    expect(tablet_b.locator("#conn-pill")).not_to_have_attribute(
        "data-state", "connected", timeout=40_000
    )
    tablet_b.locator("label.choice--disapprove").click()
    expect(tablet_b.locator("[data-receipt]")).to_contain_text("Đang gửi phiếu")
    screenshot(tablet_b, "live-tablet-offline-768x1024")
    tablet_b.context.set_offline(False)
    expect(tablet_b.locator("[data-receipt]")).to_contain_text("Không tán thành", timeout=30_000)
    expect(tablet_b.locator("label.choice--disapprove input")).to_be_checked()
    expect(console.locator("#vote-progress")).to_contain_text("2 / 3")
    screenshot(console, "live-console-vote-open-desktop")

    console.get_by_role("button", name="Kết thúc biểu quyết").click()
    console.get_by_role("dialog").get_by_role(
        "button", name="Kết thúc biểu quyết"
    ).click()  # confirmed in the dialog
    for tablet in (tablet_a, tablet_b):
        expect(tablet.locator("[data-result]")).to_be_visible()
        expect(tablet.locator("[data-counts]")).to_contain_text("Tán thành 1 · Không tán thành 1")
    # A 1-1 tie among 3 members: the chair did not vote, so there is no casting side.
    expect(tablet_a.locator(".outcome")).to_have_text("Không thông qua")
    expect(tablet_a.locator("[data-result]")).to_contain_text(
        "chủ tọa không tán thành hay phản đối"
    )
    screenshot(tablet_a, "live-tablet-result-1024x768")
    screenshot(tablet_b, "live-tablet-result-768x1024")
    screenshot(console, "live-console-result-desktop")


@pytest.fixture
def vote_with_outsiders(committed_db, password_hash, manual_progress):
    """Six members, four present when a vote opens; one member is away with a deputy in the
    room, one arrives after the vote opened. Committed for the live server."""
    from meetings.live import services as live
    from meetings.live.models import AttendanceMode
    from voting.polls import services as polls
    from voting.polls.models import PollKind

    def person(i, name, roles):
        user = User(
            name=name,
            email=f"outsider{i}@ecabinet.test",
            password_hash=password_hash,
            title="Bộ trưởng",
        )
        user.set_roles(roles)
        return user

    names = [
        "Trần Quốc Hưng",
        "Lê Minh An",
        "Phạm Thu Hà",
        "Đỗ Văn Nam",
        "Vũ Thị Lan",
        "Ngô Bảo Long",
    ]
    members = [
        person(i, name, {Role.CHAIR, Role.MEMBER} if i == 0 else {Role.MEMBER})
        for i, name in enumerate(names)
    ]
    deputy = person(10, "Thứ trưởng Hoàng Đức Anh", {Role.DEPUTY})
    secretariat = person(11, "Nguyễn Thị Hương", {Role.SECRETARIAT})
    db.session.add_all([*members, deputy, secretariat])
    db.session.flush()
    away, late = members[4], members[5]
    db.session.add_all(
        CabinetSeat(member_id=u.id, position=i, deputy_id=deputy.id if u is away else None)
        for i, u in enumerate(members)
    )
    meeting = Meeting(
        title="Phiên họp Chính phủ thường kỳ tháng 5 năm 2025",
        number="05/2025",
        starts_at=utcnow(),
        place="Trụ sở Chính phủ",
        chair_id=members[0].id,
        state=MeetingState.PUBLISHED,
    )
    meeting.participants.extend(
        MeetingParticipant(user_id=u.id, role=ParticipantRole.MEMBER) for u in members
    )
    meeting.participants.append(
        MeetingParticipant(user_id=secretariat.id, role=ParticipantRole.SECRETARIAT)
    )
    meeting.items.append(
        AgendaItem(position=1, title="Dự án Luật Nhà ở (sửa đổi)", planned_minutes=30)
    )
    db.session.add(meeting)
    db.session.flush()
    live.open_session(meeting, members[0])
    for member in members[:4]:
        live.check_in(meeting, member, AttendanceMode.IN_ROOM)
    live.assign_deputy(meeting, secretariat, away, deputy)
    live.check_in(meeting, deputy, AttendanceMode.IN_ROOM)
    polls.open_poll(
        meeting,
        members[0],
        item=meeting.items[0],
        question="Thông qua dự án Luật Nhà ở (sửa đổi)?",
        kind=PollKind.OPEN,
    )
    db.session.commit()
    return meeting.id, members[1], deputy, late


def test_deputy_and_late_arrival_are_told_why_and_offered_no_vote_buttons(
    vote_with_outsiders, open_page
):
    meeting_id, member, deputy, late = vote_with_outsiders

    tablet = open_page(member, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live")
    expect(tablet.locator(".vote-panel__question")).to_contain_text("Luật Nhà ở")
    expect(tablet.locator("label.choice--approve")).to_be_visible()
    expect(tablet.locator("[data-note]")).to_be_hidden()

    deputy_tablet = open_page(deputy, TABLET_PORTRAIT, f"/meetings/{meeting_id}/live")
    expect(deputy_tablet.locator(".vote-panel__question")).to_contain_text("Luật Nhà ở")
    expect(deputy_tablet.locator("[data-note]")).to_contain_text(
        "Bạn dự họp thay thành viên Chính phủ: được phát biểu, không biểu quyết."
    )
    expect(deputy_tablet.locator("label.choice")).to_have_count(3)
    expect(deputy_tablet.locator("[data-choices]")).to_be_hidden()
    screenshot(deputy_tablet, "live-tablet-deputy-vote-768x1024")

    late_tablet = open_page(late, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live")
    expect(late_tablet.locator("[data-note]")).to_contain_text("chưa điểm danh có mặt")
    late_tablet.get_by_role("button", name="Có mặt tại phòng họp").click()
    expect(late_tablet.locator("[data-note]")).to_contain_text(
        "Bạn không có quyền biểu quyết lần này vì có mặt sau khi mở biểu quyết"
    )
    expect(late_tablet.locator("[data-choices]")).to_be_hidden()
    screenshot(late_tablet, "live-tablet-late-arrival-1024x768")
