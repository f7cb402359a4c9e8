"""What a joining tablet is told of the minutes, and what that costs: their state and whose
signature waits, read without their text (which grows while the secretary drafts, and which
every tablet of the room would otherwise read again at each rejoin)."""

from __future__ import annotations

from cabinet.db import db
from records import services
from tests.conftest import statements
from tests.voting.polls.helpers import Tablet, build_session

from .conftest import fill_and_finalize


def test_a_join_shows_the_minutes_state_without_reading_their_text(closed_session, socket_client):
    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    fill_and_finalize(minutes, s.cab)  # a written draft, made final: the secretary signs next
    expected = {
        "id": minutes.id,
        "state": str(minutes.state),
        "version": minutes.version,
        "awaiting": "secretary",
    }
    db.session.expire_all()  # the join reads what it needs, as a fresh process would

    tablet = Tablet(socket_client(s.cab.secretariat))
    with statements() as seen:
        ack = tablet.emit("meeting.join", {"meeting_id": s.meeting.id}, callback=True)
    assert ack["ok"], ack
    assert ack["state"]["records"]["minutes"] == expected

    reads = [statement for statement in seen if "FROM minutes" in statement]
    assert len(reads) == 1
    assert "minutes.state" in reads[0] and "minutes.content" not in reads[0]


def test_a_session_without_minutes_shows_none(db, make_cabinet, socket_client):
    session = build_session(make_cabinet(5))
    db.session.commit()
    tablet = Tablet(socket_client(session.cab.secretariat))
    ack = tablet.emit("meeting.join", {"meeting_id": session.meeting.id}, callback=True)
    assert ack["ok"], ack
    assert ack["state"]["records"]["minutes"] is None
