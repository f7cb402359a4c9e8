"""Meeting revisions: every broadcast and the snapshot carry one, it grows with each commit that
announces a change, and each worker's heartbeat tells its sockets the latest committed one."""

from __future__ import annotations

from cabinet import heartbeat
from cabinet.db import db
from cabinet.users.models import User
from meetings import services
from meetings.models import Meeting
from tests.conftest import events_named


def _join(socket_client, user, meeting):
    sio = socket_client(user)
    ack = sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
    assert ack["ok"], ack
    sio.get_received()
    return sio, ack["state"]["revision"]


def test_each_commit_that_announces_a_change_carries_the_next_revision(
    cabinet, make_meeting, socket_client
):
    meeting = make_meeting(items=2, state="published")
    db.session.commit()
    sio, held = _join(socket_client, cabinet.members[1], meeting)
    secretariat = db.session.get(User, cabinet.secretariat.id)
    meeting = db.session.get(Meeting, meeting.id)
    services.add_item(meeting, {"title": "Nội dung thêm"}, actor=secretariat)
    db.session.commit()
    (added,) = events_named(sio, "agenda.item_added")
    assert added["revision"] == held + 1
    services.add_item(meeting, {"title": "Nội dung nữa"}, actor=secretariat)
    db.session.rollback()  # nothing announced, nothing bumped
    services.add_item(meeting, {"title": "Nội dung cuối"}, actor=secretariat)
    db.session.commit()
    assert [e["revision"] for e in events_named(sio, "agenda.item_added")] == [held + 2]
    again = sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
    assert again["state"]["revision"] == held + 2


def test_the_heartbeat_tells_each_followed_meeting_its_committed_revision(
    app, cabinet, make_meeting, socket_client
):
    ours, other = make_meeting(state="published"), make_meeting(state="published")
    db.session.commit()
    sio, held = _join(socket_client, cabinet.members[1], ours)
    assert heartbeat.beat(app) >= 1
    beats = events_named(sio, "meeting.heartbeat")
    assert {"meeting_id": ours.id, "revision": held} in beats
    assert all(b["meeting_id"] != other.id for b in beats)
    # A change whose broadcast this tablet never got (a lost message): the next beat shows it.
    db.session.execute(
        Meeting.__table__.update().where(Meeting.id == ours.id).values(revision=held + 3)
    )
    db.session.commit()
    heartbeat.beat(app)
    assert events_named(sio, "meeting.heartbeat")[-1] == {
        "meeting_id": ours.id,
        "revision": held + 3,
    }
