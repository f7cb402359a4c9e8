"""Finding 3: access changes reach open sockets at once (one worker; two workers on Redis in
test_eviction_workers.py). Each test shows the socket heard the room before the change and
hears nothing of it within a second after."""

from __future__ import annotations

import time

from cabinet.extensions import socketio
from cabinet.realtime import meeting_room
from cabinet.users.models import Role
from cabinet.users.services import set_user_roles
from meetings import services
from meetings.live import services as live
from meetings.models import MeetingState
from tests.conftest import events_named
from tests.voting.polls.helpers import build_session


def _probe(meeting, n: int) -> None:
    socketio.emit("probe", {"n": n}, to=meeting_room(meeting.id))


def _heard(tablet) -> list:
    return [m["name"] for m in tablet.get_received()]


def test_3_removed_from_the_invitation_leaves_the_room(db, make_cabinet, join):
    cab = make_cabinet(5, deputies=1)
    s = build_session(cab, open_session=False)
    db.session.commit()
    invitee, member = join(cab.invitee, s.meeting), join(cab.members[2], s.meeting)
    _probe(s.meeting, 1)
    assert "probe" in _heard(invitee)
    started = time.monotonic()
    services.update_meeting(s.meeting, {"invitee_ids": []}, actor=cab.secretariat)
    db.session.commit()
    revoked = events_named(invitee, "meeting.access_revoked")
    assert revoked == [{"meeting_id": s.meeting.id, "reason": "uninvited"}]
    _probe(s.meeting, 2)
    assert time.monotonic() - started < 1
    assert "probe" not in _heard(invitee)
    assert "probe" in _heard(member)


def test_3_meeting_back_to_draft_empties_the_room_but_for_its_preparers(db, make_cabinet, join):
    cab = make_cabinet(5, deputies=1)
    s = build_session(cab, open_session=False)
    db.session.commit()
    member, chair = join(cab.members[2], s.meeting), join(cab.chair, s.meeting)
    clerk = join(cab.secretariat, s.meeting)
    services.change_state(s.meeting, MeetingState.DRAFT, actor=cab.secretariat)
    db.session.commit()
    assert events_named(member, "meeting.access_revoked")[0]["reason"] == "unpublished"
    member.get_received(), chair.get_received(), clerk.get_received()
    _probe(s.meeting, 1)
    assert "probe" not in _heard(member)
    assert "probe" in _heard(chair) and "probe" in _heard(clerk)


def test_3_restriction_added_stops_the_items_broadcasts(db, make_cabinet, join):
    cab = make_cabinet(5, deputies=1)
    s = build_session(cab, open_session=False)
    db.session.commit()
    item = s.items[0]
    invitee, member = join(cab.invitee, s.meeting), join(cab.members[2], s.meeting)
    services.update_item(item, {"title": "Tên mới của nội dung"}, actor=cab.secretariat)
    db.session.commit()
    assert events_named(invitee, "agenda.item_updated")[0]["item"]["title"] == (
        "Tên mới của nội dung"
    )
    services.update_item(item, {"restricted": True}, actor=cab.secretariat)
    services.change_state(s.meeting, MeetingState.IN_SESSION, actor=cab.secretariat)
    db.session.commit()
    invitee.get_received(), member.get_received()
    live.request_floor(s.meeting, cab.members[2], item)
    db.session.commit()
    assert events_named(invitee, "speaking.updated") == []
    assert events_named(member, "speaking.updated")


def test_3_role_taken_away_disconnects_the_tablet(db, make_cabinet, join):
    cab = make_cabinet(5, deputies=1)
    s = build_session(cab, open_session=False)
    db.session.commit()
    clerk = join(cab.secretariat, s.meeting)
    set_user_roles(cab.secretariat, {Role.MEMBER}, actor=cab.admin)
    db.session.commit()
    deadline = time.monotonic() + 1
    while clerk.is_connected() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not clerk.is_connected()


def test_3_gaining_a_role_keeps_the_tablet(db, make_cabinet, join):
    cab = make_cabinet(5, deputies=1)
    s = build_session(cab, open_session=False)
    db.session.commit()
    member = join(cab.members[2], s.meeting)
    set_user_roles(cab.members[2], {Role.MEMBER, Role.DEPUTY}, actor=cab.admin)
    db.session.commit()
    assert member.is_connected()
