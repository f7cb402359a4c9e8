"""Drafting decision records: the session's resolution is named after the month it is for, the
title reads as one line, and the secretariat edits a draft on the decision page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from cabinet.db import db
from meetings.models import Meeting, MeetingKind
from records import services
from records.compose import decisions as compose

HELD_IN_NOVEMBER = datetime(2026, 11, 3, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("title", "kind", "number", "summary"),
    [
        # The October regular session held on 3 November is still October's.
        (
            "Phiên họp Chính phủ thường kỳ tháng 10 năm 2026",
            MeetingKind.REGULAR,
            "10/2026",
            "Phiên họp Chính phủ thường kỳ tháng 10 năm 2026",
        ),
        # No month in the title: a regular session's number says which month it is for.
        (
            "Họp Chính phủ",
            MeetingKind.REGULAR,
            "10/2026",
            "Phiên họp Chính phủ thường kỳ tháng 10 năm 2026",
        ),
        # A thematic session keeps its own name, topic included.
        (
            "Phiên họp Chính phủ chuyên đề về xây dựng pháp luật tháng 10 năm 2026",
            MeetingKind.THEMATIC,
            "2/2026",
            "Phiên họp Chính phủ chuyên đề về xây dựng pháp luật tháng 10 năm 2026",
        ),
        # An urgent session's number is a sequence, not a month: the date it was held decides.
        (
            "Phiên họp bất thường",
            MeetingKind.URGENT,
            "2/2026",
            "Phiên họp Chính phủ bất thường tháng 11 năm 2026",
        ),
    ],
)
def test_the_resolution_summary_names_the_month_the_session_is_for(
    app, title, kind, number, summary
):
    meeting = Meeting(
        title=title,
        kind=kind,
        number=number,
        starts_at=HELD_IN_NOVEMBER,
        opened_at=HELD_IN_NOVEMBER,
    )
    assert compose.session_summary(meeting) == summary


@pytest.mark.parametrize(
    ("summary", "title"),
    [
        ("Về việc ban hành Nghị định", "Nghị quyết về việc ban hành Nghị định"),
        (
            "Phiên họp Chính phủ thường kỳ tháng 10 năm 2026",
            "Nghị quyết phiên họp Chính phủ thường kỳ tháng 10 năm 2026",
        ),
        ("ASEAN và hội nhập", "Nghị quyết ASEAN và hội nhập"),
        ("về nhiệm vụ năm 2027", "Nghị quyết về nhiệm vụ năm 2027"),
    ],
)
def test_the_title_joins_the_summary_without_a_capital_mid_line(summary, title):
    assert compose.decision_title(summary) == title


def test_drafted_resolution_of_a_session_held_the_next_month(closed_session):
    s = closed_session
    s.meeting.title = "Phiên họp Chính phủ thường kỳ tháng 10 năm 2026"
    s.meeting.opened_at = HELD_IN_NOVEMBER
    record = services.draft_resolution(s.meeting, actor=s.cab.secretariat)
    assert record.content["summary"] == "Phiên họp Chính phủ thường kỳ tháng 10 năm 2026"
    assert record.title == "Nghị quyết phiên họp Chính phủ thường kỳ tháng 10 năm 2026"


def _editor(html: str) -> str | None:
    match = re.search(r"<form[^>]*data-decision-form.*?</form>", html, re.S)
    return match.group(0) if match else None


def test_the_secretariat_edits_a_draft_on_the_decision_page(closed_session, user_client):
    s = closed_session
    record = services.draft_resolution(s.meeting, actor=s.cab.secretariat)
    db.session.commit()
    secretariat = user_client(s.cab.secretariat)
    editor = _editor(secretariat.get(f"/records/decisions/{record.id}").get_data(as_text=True))
    assert editor is not None
    assert f'data-save-url="/api/v1/records/decisions/{record.id}"' in editor
    assert f'data-version="{record.version}"' in editor
    assert 'name="summary"' in editor and record.content["summary"] in editor
    assert record.content["bases"][0] in editor and record.content["recipients"][0] in editor
    # Every article, plus one empty slot for a new one.
    assert editor.count("data-article-text") == len(record.content["articles"]) + 1

    response = secretariat.put(
        f"/api/v1/records/decisions/{record.id}",
        json={
            "version": record.version,
            "summary": "Về việc thông qua các dự án Luật trình Quốc hội",
            "articles": [{"heading": "", "text": "Thông qua các dự án Luật."}],
        },
    )
    assert response.status_code == 200
    html = secretariat.get(f"/records/decisions/{record.id}").get_data(as_text=True)
    assert "Nghị quyết về việc thông qua các dự án Luật trình Quốc hội" in html
    assert _editor(html).count("data-article-text") == 2

    # Members read the draft but get no editor.
    member = user_client(s.cab.members[3]).get(f"/records/decisions/{record.id}")
    assert member.status_code == 200 and _editor(member.get_data(as_text=True)) is None


def test_no_editor_once_the_number_is_issued(closed_session, user_client):
    s = closed_session
    record = services.draft_resolution(s.meeting, actor=s.cab.secretariat)
    services.issue_decision(record, actor=s.cab.secretariat)
    db.session.commit()
    html = (
        user_client(s.cab.secretariat).get(f"/records/decisions/{record.id}").get_data(as_text=True)
    )
    assert _editor(html) is None and "records/decision.js" not in html
