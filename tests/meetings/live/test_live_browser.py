"""In the browser: chair console and two member tablets run a vote; a tablet drops and returns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from cabinet.db import db, utcnow
from cabinet.users.models import CabinetSeat, Role, User
from meetings.models import AgendaItem, Meeting, MeetingParticipant, MeetingState, ParticipantRole
from tests.conftest import DESKTOP, TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot


@pytest.fixture
def small_cabinet(committed_db, password_hash, manual_progress):
    """Chair + two members (quorum 2 of 3), committed for the live server; progress on a timer."""
    manual_progress.autostart = True
    people = []
    for i, (name, roles) in enumerate(
        [
            ("Thủ tướng Trần Quốc Hưng", {Role.CHAIR, Role.MEMBER}),
            ("Bộ trưởng Lê Minh An", {Role.MEMBER}),
            ("Bộ trưởng Phạm Thu Hà", {Role.MEMBER}),
        ]
    ):
        user = User(
            name=name,
            email=f"browser{i}@ecabinet.test",
            password_hash=password_hash,
            title="Bộ trưởng",
        )
        user.set_roles(roles)
        people.append(user)
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all(CabinetSeat(member_id=u.id, position=i) for i, u in enumerate(people))
    meeting = Meeting(
        title="Phiên họp Chính phủ chuyên đề xây dựng pháp luật",
        number="05/2025",
        starts_at=utcnow() + timedelta(hours=1),
        place="Phòng họp số 1, Trụ sở Chính phủ",
        chair_id=people[0].id,
        state=MeetingState.PUBLISHED,
    )
    meeting.participants.extend(
        MeetingParticipant(user_id=u.id, role=ParticipantRole.MEMBER) for u in people
    )
    meeting.items.extend(
        [
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
        ]
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting.id, people


def test_console_and_two_tablets_vote_and_a_tablet_reconnects(small_cabinet, open_page):
    meeting_id, (chair, first, second) = small_cabinet
    console = open_page(chair, DESKTOP, f"/meetings/{meeting_id}/live/console")
    tablet_a = open_page(first, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live")
    tablet_b = open_page(second, TABLET_PORTRAIT, f"/meetings/{meeting_id}/live")

    console.get_by_role("button", name="Khai mạc phiên họp").click()
    for tablet in (tablet_a, tablet_b):
        expect(tablet.locator("#now-banner")).to_contain_text("mục 1")
        tablet.get_by_role("button", name="Có mặt tại phòng họp").click()
        expect(tablet.locator("#checkin-status")).to_contain_text("Bạn đã điểm danh")
    expect(console.locator("#quorum [data-stat-value]")).to_contain_text("2")
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
    expect(console.locator("#vote-progress")).to_contain_text("2 / 2")
    screenshot(console, "live-console-vote-open-desktop")

    console.get_by_role("button", name="Kết thúc biểu quyết").click()
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
