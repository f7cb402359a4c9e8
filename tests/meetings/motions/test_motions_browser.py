"""Issue 16, finding 6: motions are prepared with the agenda item, not typed live.

The secretariat attaches a draft decision point to the item on its page; in session the chair
opens the vote on it with one tap from the console; the member votes on the tablet; the result
links back to the motion, and the item page shows the motion with its outcome. An amendment
added during the session is reworded in the vote form and voted on too.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cabinet.db import db
from cabinet.users.models import Role
from meetings.models import AgendaItem
from tests.conftest import DESKTOP, TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot
from tests.voting.polls.helpers import committed_meeting
from voting.polls.models import Poll

MOTION = "Thông qua dự án Luật Đất đai (sửa đổi) để trình Quốc hội tại kỳ họp thứ 9."
AMENDMENT = "Giao Bộ Tài nguyên và Môi trường hoàn thiện hồ sơ trước ngày 15/4."


@pytest.fixture
def small_cabinet(committed_db, password_hash, manual_progress):
    """Chair + two members + the secretariat; a published meeting with two items."""
    manual_progress.autostart = True
    meeting, people = committed_meeting(
        password_hash,
        [
            ("Thủ tướng Trần Quốc Hưng", {Role.CHAIR, Role.MEMBER}, {}),
            ("Bộ trưởng Lê Minh An", {Role.MEMBER}, {}),
            ("Bộ trưởng Phạm Thu Hà", {Role.MEMBER}, {}),
            ("Nguyễn Thị Hương", {Role.SECRETARIAT}, {}),
        ],
        email="motions",
        number="05/2026",
        title="Phiên họp Chính phủ chuyên đề xây dựng pháp luật",
        items=[
            AgendaItem(position=1, title="Dự án Luật Đất đai (sửa đổi)", planned_minutes=30),
            AgendaItem(position=2, title="Nghị định về quản lý nợ công", planned_minutes=20),
        ],
    )
    return meeting.id, meeting.items[0].id, people


def test_prepared_motion_voted_with_one_tap_and_amended_in_session(small_cabinet, open_page):
    meeting_id, item_id, (chair, first, second, secretariat) = small_cabinet

    # Before the session: the secretariat prepares the decision point on the item page.
    desk = open_page(secretariat, DESKTOP, f"/meetings/items/{item_id}")
    desk.get_by_label("Dự thảo kết luận mới").fill(MOTION)
    desk.get_by_role("button", name="Thêm dự thảo kết luận").click()
    expect(desk.locator("#motion-list .motion")).to_have_count(1)
    expect(desk.locator("#motion-list")).to_contain_text("Dự thảo kết luận 1")
    expect(desk.locator("#motion-list")).to_contain_text(MOTION)
    screenshot(desk, "motions-item-page-secretariat-desktop")

    # Members see it with the item.
    reader = open_page(first, TABLET_PORTRAIT, f"/meetings/items/{item_id}")
    expect(reader.locator("#motions")).to_contain_text(MOTION)
    expect(reader.locator("#motion-form")).to_have_count(0)

    console = open_page(chair, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live/console")
    tablet = open_page(first, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live")
    tablet_b = open_page(second, TABLET_PORTRAIT, f"/meetings/{meeting_id}/live")
    console.get_by_role("button", name="Khai mạc phiên họp").click()
    console.get_by_role("dialog").get_by_role("button").last.click()  # confirmed in the dialog
    for t in (tablet, tablet_b):
        expect(t.locator("#now-banner")).to_contain_text("mục 1")
        t.get_by_role("button", name="Có mặt tại phòng họp").click()
        expect(t.locator("#checkin-status")).to_contain_text("Bạn đã điểm danh")

    # One tap on the prepared motion opens the vote; nobody types the question.
    motions = console.locator("#console-motions")
    expect(motions).to_contain_text(MOTION)
    screenshot(console, "motions-console-prepared-1024x768")
    motions.get_by_role("button", name="Biểu quyết", exact=True).click()
    expect(tablet.locator(".vote-panel__question")).to_have_text(MOTION)
    tablet.locator("label.choice--approve").click()
    expect(tablet.locator("[data-receipt]")).to_contain_text("Tán thành")
    tablet_b.locator("label.choice--approve").click()
    expect(tablet_b.locator("[data-receipt]")).to_contain_text("Tán thành")
    console.get_by_role("button", name="Kết thúc biểu quyết").click()
    console.get_by_role("dialog").get_by_role("button").last.click()

    # The result links back to its motion.
    for page in (console, tablet):
        link = page.locator("#vote-result [data-motion-link], [data-result] [data-motion-link]")
        expect(link.first).to_have_text("Dự thảo kết luận 1")
        expect(link.first).to_have_attribute("href", f"/meetings/items/{item_id}#motion-1")
    expect(motions.locator(".motion").first).to_contain_text("Thông qua")
    screenshot(console, "motions-console-result-1024x768")

    # An amendment during the session, reworded before its vote.
    motions.get_by_text("Thêm sửa đổi").first.click()
    motions.get_by_label("Nội dung sửa đổi cho Dự thảo kết luận 1").fill(AMENDMENT)
    motions.get_by_role("button", name="Thêm", exact=True).click()
    expect(motions.locator(".motion--amendment")).to_contain_text("Sửa đổi 1.1")
    motions.get_by_role("button", name="Sửa rồi biểu quyết").click()
    question = console.locator("#f-question")
    expect(question).to_have_value(AMENDMENT)
    expect(console.locator("[data-motion-chip]")).to_contain_text("Theo Sửa đổi 1.1")
    question.fill(AMENDMENT.replace("15/4", "30/4"))
    console.get_by_role("button", name="Mở biểu quyết").click()
    expect(tablet.locator(".vote-panel__question")).to_contain_text("30/4")
    screenshot(console, "motions-console-amendment-vote-1024x768")

    polls = list(db.session.scalars(select(Poll).order_by(Poll.id)))
    db.session.remove()
    assert [p.motion_id for p in polls] == [1, 2]
    assert polls[1].question.endswith("30/4.")

    # The item page lists both, the voted motion with its outcome.
    reader.reload()
    expect(reader.locator("#motion-1")).to_contain_text("Thông qua")
    expect(reader.locator("#motion-2")).to_contain_text("Đang biểu quyết")
    screenshot(reader, "motions-item-page-member-768x1024")
