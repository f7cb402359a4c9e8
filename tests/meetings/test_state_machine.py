"""The meeting state machine: every allowed move, every refused one, and what publishing warns."""

from __future__ import annotations

import itertools

import pytest

from meetings import services
from meetings.models import STATE_LABELS, TRANSITIONS, InvalidTransition, Meeting, MeetingState

ALL = list(MeetingState)
ALLOWED = sorted(TRANSITIONS)
REFUSED = [(a, b) for a, b in itertools.product(ALL, ALL) if (a, b) not in TRANSITIONS]
METHODS = {
    MeetingState.PUBLISHED: "publish",
    MeetingState.DRAFT: "unpublish",
    MeetingState.IN_SESSION: "open_session",
    MeetingState.CLOSED: "close_session",
    MeetingState.ARCHIVED: "archive",
}


def test_the_allowed_moves_are_exactly_the_lifecycle():
    assert set(TRANSITIONS) == {
        (MeetingState.DRAFT, MeetingState.PUBLISHED),
        (MeetingState.PUBLISHED, MeetingState.DRAFT),
        (MeetingState.PUBLISHED, MeetingState.IN_SESSION),
        (MeetingState.IN_SESSION, MeetingState.CLOSED),
        (MeetingState.CLOSED, MeetingState.ARCHIVED),
    }


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_transition(current, target):
    meeting = Meeting(title="x", state=current, version=1)
    getattr(meeting, METHODS[target])()
    assert meeting.state == target
    assert meeting.version == 2
    stamp = {
        MeetingState.PUBLISHED: meeting.published_at,
        MeetingState.IN_SESSION: meeting.opened_at,
        MeetingState.CLOSED: meeting.closed_at,
        MeetingState.ARCHIVED: meeting.archived_at,
    }.get(target, True)
    assert stamp is not None


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_refused_transition(app, current, target):
    meeting = Meeting(title="x", state=current, version=1)
    with app.test_request_context(), pytest.raises(InvalidTransition) as caught:
        getattr(meeting, METHODS[target])()
    assert meeting.state == current and meeting.version == 1
    assert caught.value.code == "meeting.invalid_transition"
    assert caught.value.status == 409
    with app.test_request_context():
        message = str(caught.value.message)
        # The message names both states, in Vietnamese.
        assert str(STATE_LABELS[current]) in message and str(STATE_LABELS[target]) in message


def test_refused_transition_over_http_is_a_clear_409(client, login, cabinet, make_meeting):
    meeting = make_meeting(state="draft")
    login(cabinet.secretariat)
    response = client.post(f"/api/v1/meetings/{meeting.id}/state", json={"state": "archived"})
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["code"] == "meeting.invalid_transition"
    assert "Dự thảo" in problem["detail"] and "Đã lưu trữ" in problem["detail"]


def test_publishing_close_to_the_session_warns_but_publishes(client, login, cabinet, make_meeting):
    meeting = make_meeting(days_ahead=1)
    login(cabinet.secretariat)
    response = client.post(f"/api/v1/meetings/{meeting.id}/state", json={"state": "published"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["meeting"]["state"] == "published"
    assert len(body["warnings"]) == 1 and "3 ngày" in body["warnings"][0]


def test_publishing_in_time_has_no_warning(cabinet, make_meeting):
    meeting = make_meeting(days_ahead=10)
    assert services.publish_meeting(meeting, actor=cabinet.secretariat) == []


def test_publish_page_shows_the_warning(client, login, cabinet, make_meeting):
    meeting = make_meeting(days_ahead=1)
    login(cabinet.secretariat)
    response = client.post(
        f"/meetings/{meeting.id}/state", data={"state": "published"}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đã công bố" in page and "ít nhất 3 ngày" in page


def test_the_chair_may_open_but_not_publish(client, login, cabinet, make_meeting):
    meeting = make_meeting(state="published")
    login(cabinet.chair)
    response = client.post(f"/api/v1/meetings/{meeting.id}/state", json={"state": "in_session"})
    assert response.status_code == 200
    assert response.get_json()["meeting"]["state"] == "in_session"


def test_the_chair_may_not_archive(client, login, cabinet, make_meeting):
    meeting = make_meeting(state="closed")
    login(cabinet.chair)
    response = client.post(f"/api/v1/meetings/{meeting.id}/state", json={"state": "archived"})
    assert response.status_code == 403
