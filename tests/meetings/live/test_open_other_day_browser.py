"""Issue 16, finding 13: a session planned for next week does not open without a warning. The
chair's console names the planned day in its confirmation (test_console_browser.py); the
secretariat's meeting page asks too, in Vietnamese or English, and "Hủy" leaves it planned."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from cabinet.db import db, utcnow
from meetings.models import Meeting
from tests.conftest import DESKTOP, TABLET_LANDSCAPE, screenshot
from tests.voting.polls.helpers import build_session


@pytest.fixture
def next_week(committed_db, make_cabinet, manual_progress):
    """A published session planned seven days ahead, committed for the live server."""
    cab = make_cabinet(5)
    world = build_session(cab, open_session=False)
    world.meeting.starts_at = utcnow() + timedelta(days=7)
    db.session.commit()
    return SimpleNamespace(cab=cab, meeting_id=world.meeting.id)


def _state(meeting_id: int) -> str:
    db.session.expire_all()
    return str(db.session.get(Meeting, meeting_id).state)


def test_the_secretariat_is_warned_before_opening_next_weeks_session(next_week, open_page):
    page = open_page(next_week.cab.secretariat, DESKTOP, f"/meetings/{next_week.meeting_id}/manage")
    page.get_by_role("button", name="Khai mạc phiên họp").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("không phải hôm nay")
    expect(dialog).to_contain_text("dự kiến vào")
    screenshot(page, "open-other-day-manage-desktop")
    dialog.get_by_role("button", name="Hủy").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("[data-meeting-state]")).to_contain_text("Đã công bố")
    assert _state(next_week.meeting_id) == "published"

    page.get_by_role("button", name="Khai mạc phiên họp").click()
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(page.locator("[data-meeting-state]")).to_contain_text("Đang họp")
    assert _state(next_week.meeting_id) == "in_session"


def test_the_warning_in_english_on_the_console(next_week, open_page):
    chair = next_week.cab.chair
    chair.locale = "en"
    db.session.commit()
    console = open_page(
        chair, TABLET_LANDSCAPE, f"/meetings/{next_week.meeting_id}/live/console", "en-GB"
    )
    console.get_by_role("button", name="Open the session").click()
    dialog = console.get_by_role("dialog")
    expect(dialog).to_contain_text("not today")
    expect(dialog).not_to_contain_text("không phải hôm nay")
    screenshot(console, "open-other-day-console-en-1024x768")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert _state(next_week.meeting_id) == "published"
