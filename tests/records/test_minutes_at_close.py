"""The minutes are drafted as the chair closes the session (meetings' `session_closed` hook), so
opening them only reads; a session closed another way drafts them on first open."""

from __future__ import annotations

from sqlalchemy import func, select

from cabinet.audit.models import AuditEntry
from cabinet.db import db
from meetings.live import services as live
from meetings.models import MeetingState
from meetings.services import change_state
from records import services
from records.models import Minutes, RecordState
from tests.voting.polls.helpers import build_session


def _minutes_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Minutes))


def test_closing_the_session_drafts_the_minutes(db, make_cabinet):
    session = build_session(make_cabinet(5, deputies=1))
    assert services.minutes_of(session.meeting) is None
    live.close_session(session.meeting, session.cab.chair)
    minutes = services.minutes_of(session.meeting)
    assert minutes is not None and minutes.state == RecordState.DRAFT
    # The secretariat participant is the secretary, not the chair who closed the session.
    assert minutes.secretary_id == session.cab.secretariat.id
    assert minutes.content["secretary"]["id"] == session.cab.secretariat.id
    [draft] = minutes.revisions
    assert (draft.number, draft.author_id) == (1, None)  # the text is the system's
    db.session.commit()  # audit entries are chained at commit
    drafted = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "minutes.drafted")
    ).one()
    assert drafted.actor_id == session.cab.chair.id  # whose close drafted them


def test_opening_the_minutes_of_a_closed_session_writes_nothing(db, make_cabinet, user_client):
    session = build_session(make_cabinet(5, deputies=1))
    live.close_session(session.meeting, session.cab.chair)
    db.session.commit()
    before = _minutes_count()
    url = f"/records/meetings/{session.meeting.id}/minutes"
    assert user_client(session.cab.secretariat).get(url).status_code == 200
    assert _minutes_count() == before


def test_a_session_closed_without_the_hook_drafts_its_minutes_on_first_open(
    db, make_cabinet, user_client
):
    session = build_session(make_cabinet(5, deputies=1))
    change_state(session.meeting, MeetingState.CLOSED, actor=session.cab.secretariat)
    db.session.commit()
    assert services.minutes_of(session.meeting) is None
    response = user_client(session.cab.secretariat).get(
        f"/api/v1/records/meetings/{session.meeting.id}/minutes"
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "draft" and body["revisions"][0]["author"] is not None
    assert services.minutes_of(session.meeting).id == body["id"]
