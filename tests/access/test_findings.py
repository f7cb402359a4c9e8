"""One test per finding of issue 12 handled here (1, 2, 5, 8, 9; 3 is in test_eviction.py)."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from cabinet.db import db, utcnow
from meetings.live import services as live
from meetings.models import Classification, MeetingState
from meetings.papers.changes import add_paper
from records import services as records
from records.render import render_minutes
from tests.conftest import events_named
from tests.meetings.conftest import make_pdf
from tests.voting.polls.helpers import build_session, check_in
from voting.ballots.models import BallotStatus
from voting.polls import services as polls
from voting.polls.models import Poll, PollKind, PollState

MARKER = "ZQX-MAT-7731"


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def classified(db, make_cabinet):
    """A session closed with a secret paper on item 1 whose only named reader is the chair."""
    cab = make_cabinet(5, deputies=1)
    s = build_session(cab, open_session=False)
    add_paper(
        s.items[0],
        title=f"Đề án {MARKER}",
        upload=FileStorage(
            io.BytesIO(make_pdf(f"Noi dung {MARKER}")),
            filename="de-an.pdf",
            content_type="application/pdf",
        ),
        classification=Classification.SECRET,
        reader_ids=[cab.chair.id],
        actor=cab.secretariat,
    )
    live.open_session(s.meeting, cab.chair)
    check_in(s.meeting, cab.members)
    live.close_session(s.meeting, cab.chair)
    db.session.commit()
    return s


# ------------------------------------------------------------------ 1. classified paper


def test_1_classified_paper_title_not_in_minutes_page_or_pdf(classified, user_client):
    cab = classified.cab
    outsider = cab.members[1]  # a member, not a named reader of the paper
    page = user_client(outsider).get(f"/records/meetings/{classified.meeting.id}/minutes")
    assert page.status_code == 200
    assert MARKER not in page.get_data(as_text=True)
    minutes = records.minutes_of(classified.meeting)
    assert MARKER not in json.dumps(minutes.content, ensure_ascii=False)
    assert MARKER not in _pdf_text(render_minutes(minutes))
    api = user_client(outsider).get(f"/api/v1/records/minutes/{minutes.id}")
    assert MARKER not in api.get_data(as_text=True)


# ------------------------------------------------------------------ 2. comments on restricted items


def test_2_minutes_comment_reaches_only_those_who_read_the_minutes(
    db, make_cabinet, user_client, join
):
    cab = make_cabinet(5, deputies=1)
    s = build_session(cab)
    check_in(s.meeting, cab.members + [cab.invitee])
    live.close_session(s.meeting, cab.chair)
    minutes = records.ensure_minutes(s.meeting, cab.secretariat)
    records.circulate_minutes(minutes, actor=cab.secretariat)
    db.session.commit()
    invitee = join(cab.invitee, s.meeting)
    member = join(cab.members[2], s.meeting)
    restricted = s.items[2]
    response = user_client(cab.members[1]).post(
        f"/api/v1/records/minutes/{minutes.id}/comments",
        json={"item_id": restricted.id, "text": f"Góp ý {MARKER}"},
    )
    assert response.status_code == 201, response.get_json()
    assert events_named(invitee, "minutes.comment_added") == []
    assert [e["comment"]["text"] for e in events_named(member, "minutes.comment_added")] == [
        f"Góp ý {MARKER}"
    ]


# ------------------------------------------------------------------ 5. ballot answers by name


def test_5_summary_by_name_only_for_the_secretariat_before_close(
    db, make_ballot, user_client, request_context
):
    cab, ballot = make_ballot()
    for path in (f"/ballots/{ballot.id}/summary", f"/ballots/{ballot.id}/summary.pdf"):
        assert user_client(cab.chair).get(path).status_code == 403, path
    assert user_client(cab.secretariat).get(f"/ballots/{ballot.id}/summary").status_code == 200
    assert user_client(cab.chair).get(f"/api/v1/ballots/{ballot.id}/record").status_code == 403
    ballot.status, ballot.closed_at = BallotStatus.CLOSED, utcnow()  # the deadline passed
    db.session.commit()
    assert user_client(cab.chair).get(f"/ballots/{ballot.id}/summary").status_code == 200


# ------------------------------------------------------------------ 8. integrity


def test_8_rest_close_refused_while_a_vote_is_open(session, user_client):
    cab = session.cab
    check_in(session.meeting, cab.members)
    polls.open_poll(
        session.meeting, cab.chair, item=session.items[0], question="Q?", kind=PollKind.OPEN
    )
    db.session.commit()
    response = user_client(cab.chair).post(
        f"/api/v1/meetings/{session.meeting.id}/state", json={"state": "closed"}
    )
    assert response.status_code == 409, response.get_json()
    assert response.mimetype == "application/problem+json"
    db.session.refresh(session.meeting)
    assert session.meeting.state == MeetingState.IN_SESSION


def test_8_rest_close_drafts_the_minutes_like_the_socket(session, user_client):
    cab = session.cab
    db.session.commit()
    response = user_client(cab.secretariat).post(
        f"/api/v1/meetings/{session.meeting.id}/state", json={"state": "closed"}
    )
    assert response.status_code == 200, response.get_json()
    assert records.minutes_of(session.meeting) is not None


def test_8_at_most_one_open_vote_per_meeting_in_the_database(session):
    for n in range(2):
        db.session.add(
            Poll(
                meeting_id=session.meeting.id,
                item_id=session.items[0].id,
                question=f"Q{n}",
                kind=PollKind.OPEN,
                state=PollState.OPEN,
                rule={},
                all_members=5,
                present=5,
                opened_at=utcnow(),
                opened_by_id=session.cab.chair.id,
            )
        )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_8_uninvited_member_may_not_join_the_speakers_list(
    db, make_cabinet, make_user, socket_client
):
    from cabinet.users.models import CabinetSeat
    from tests.voting.polls.helpers import Tablet

    cab = make_cabinet(5, deputies=1)
    s = build_session(cab)
    outsider = make_user(name="Bộ trưởng không được mời")
    db.session.add(CabinetSeat(member_id=outsider.id, position=99))
    db.session.commit()
    tablet = Tablet(socket_client(outsider))
    for item in (s.items[0], s.items[2]):
        ack = tablet.emit(
            "speaking.request", {"meeting_id": s.meeting.id, "item_id": item.id}, callback=True
        )
        assert not ack["ok"] and ack["error"]["code"] == "forbidden", ack


# ------------------------------------------------------------------ 9. no 500s


def _is_problem(response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json"
    if code:
        assert response.get_json()["code"] == code


def test_9_ballot_state_refusal_is_a_problem_not_a_500(
    db, make_ballot, user_client, request_context
):
    cab, ballot = make_ballot()  # already sent
    response = user_client(cab.chair).post(f"/api/v1/ballots/{ballot.id}/approve", json={})
    _is_problem(response, 409, "ballot.invalid_state")
    assert response.get_json()["status"] == 409


@pytest.mark.parametrize(
    "body",
    [
        "[1, 2]",
        '"text"',
        '{"title": "\\ud800", "starts_at": "2030-01-01T08:00:00"}',
        '{"title": "a\\u0000b", "starts_at": "2030-01-01T08:00:00"}',
        '{"title": "Phiên họp", "starts_at": "2030-01-01T08:00:00", "chair_id": 987654}',
        '{"title": "Phiên họp", "starts_at": "2030-01-01T08:00:00", "chair_id": 99999999999999999999}',
    ],
)
def test_9_bad_bodies_are_422(db, make_cabinet, user_client, body):
    cab = make_cabinet(3, deputies=0)
    response = user_client(cab.secretariat).post(
        "/api/v1/meetings", data=body, content_type="application/json"
    )
    _is_problem(response, 422, "validation_failed")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/meetings/99999999999999999999",
        "/api/v1/meetings/9223372036854775808/items/1",
        "/api/v1/ballots/99999999999999999999",
        "/meetings/99999999999999999999",
    ],
)
def test_9_huge_ids_are_404(db, make_cabinet, user_client, path):
    cab = make_cabinet(3, deputies=0)
    response = user_client(cab.secretariat).get(path)
    assert response.status_code in (404, 405), response.status_code


def test_9_nul_and_surrogates_in_query_strings(db, make_cabinet, user_client):
    cab = make_cabinet(3, deputies=0)
    client = user_client(cab.secretariat)
    for q in ("%00", "%ED%A0%80", "a%00b"):
        response = client.get(f"/api/v1/meetings?state={q}")
        assert response.status_code < 500, (q, response.status_code)
        response = client.get(f"/api/v1/audit?action={q}")
        assert response.status_code < 500, (q, response.status_code)
