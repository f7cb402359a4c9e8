"""The last result a joining tablet shows: built once for the room, never stale, never shown to
someone who may not read its item (`voting.polls.parts.last_result_payload`)."""

from __future__ import annotations

import uuid

from cabinet.db import db
from cabinet.memo import clear_every_memo
from meetings.motions import services as motions
from tests.conftest import statements
from tests.voting.polls.helpers import check_in
from voting.polls import services as polls
from voting.polls.models import PollKind
from voting.rules import Choice


def closed_vote(session, item, *, motion=None) -> int:
    """A vote on `item` cast by every member and closed, through the services."""
    meeting, cab = session.meeting, session.cab
    poll = polls.open_poll(
        meeting, cab.chair, item=item, question="Thông qua?", kind=PollKind.OPEN, motion=motion
    )
    for member in cab.members:
        polls.cast_vote(poll, member, Choice.APPROVE, uuid.uuid4().hex)
    polls.close_poll(poll, cab.chair)
    db.session.commit()
    db.session.expire_all()
    return poll.id


def built(seen: list[str]) -> list[str]:
    """The statements that load a closed vote's result counts to build its payload."""
    return [s for s in seen if "poll_results.approve" in s]


def test_the_room_builds_the_last_result_once_and_sees_its_item_renamed(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    item = session.items[0]
    poll_id = closed_vote(session, item)
    clear_every_memo()

    with statements() as first:
        _, ack = join(cab.members[0], meeting)
    with statements() as second:
        _, again = join(cab.members[1], meeting)
    assert ack["state"]["live"]["last_result"]["id"] == poll_id
    assert again["state"]["live"]["last_result"] == ack["state"]["live"]["last_result"]
    assert len(built(first)) == 1 and built(second) == []

    item.title = "Dự án Luật Đất đai (sửa đổi) — lần 2"  # its stamp moves with it
    db.session.commit()
    db.session.expire_all()
    _, renamed = join(cab.members[2], meeting)
    last = renamed["state"]["live"]["last_result"]
    assert (last["id"], last["item_title"]) == (poll_id, "Dự án Luật Đất đai (sửa đổi) — lần 2")
    assert last["result"]["approve"] == len(cab.members)


def test_a_person_who_may_not_read_the_newest_votes_item_gets_the_one_before(session, join):
    """The restricted item's vote is newer: a whole-meeting invitee (who may not read restricted
    items) is shown the earlier vote, from the same shared payloads, a member the newer one."""
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    earlier = closed_vote(session, session.items[0])
    restricted = closed_vote(session, session.items[2])
    clear_every_memo()

    _, member = join(cab.members[0], meeting)
    _, invitee = join(cab.invitee, meeting)
    assert member["state"]["live"]["last_result"]["id"] == restricted
    assert invitee["state"]["live"]["last_result"]["id"] == earlier


def test_a_vote_on_a_motion_shows_the_motions_label(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    item = session.items[1]
    motions.add_motion(item, cab.secretariat, text="Thông qua dự thảo Nghị định.")
    second = motions.add_motion(item, cab.secretariat, text="Giao Bộ Tài chính hoàn thiện.")
    poll_id = closed_vote(session, item, motion=second)
    clear_every_memo()

    _, ack = join(cab.members[0], meeting)
    last = ack["state"]["live"]["last_result"]
    assert (last["id"], last["motion_id"]) == (poll_id, second.id)
    assert last["motion_label"] == second.label and last["motion_label"].endswith("2")
