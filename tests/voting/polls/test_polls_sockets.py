"""Votes over the socket: quorum, casting, changes, duplicates, eligibility, close, results."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from cabinet.db import db
from meetings.live import services as live
from tests.conftest import events_named
from tests.voting.polls.helpers import check_in
from voting.polls import services as polls
from voting.polls.models import OpenCast, Poll, PollResult, VotingClosed
from voting.polls.schemas import PollResultSchema
from voting.rules import Choice


def cid() -> str:
    """A fresh client id, as a tablet would generate it."""
    return uuid.uuid4().hex


def open_vote(chair_sio, meeting, item, kind="open"):
    """The chair opens a vote over the socket; returns the ack."""
    return chair_sio.emit(
        "vote.open",
        {
            "meeting_id": meeting.id,
            "item_id": item.id,
            "question": "Thông qua dự án Luật?",
            "kind": kind,
        },
        callback=True,
    )


def cast(sio, poll_id, choice, client_id=None):
    """Cast over the socket; returns the ack."""
    return sio.emit(
        "vote.cast",
        {"poll_id": poll_id, "choice": choice, "client_id": client_id or cid()},
        callback=True,
    )


def test_quorum_refused_then_met(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members[:17])
    chair, _ = join(cab.chair, meeting)

    ack = open_vote(chair, meeting, session.items[0])
    assert ack["ok"] is False
    assert ack["error"]["code"] == "vote.no_quorum"
    assert "17/27" in ack["error"]["message"] and "18" in ack["error"]["message"]
    assert ack["error"]["quorum"] == {
        "present": 17,
        "required": 18,
        "all_members": 27,
        "met": False,
        "missing": 1,
    }

    check_in(meeting, cab.members[17:18])
    ack = open_vote(chair, meeting, session.items[0])
    assert ack["ok"] is True, ack
    assert ack["poll"]["eligible"] == 18 and ack["poll"]["state"] == "open"


def test_deputies_and_invitees_never_count_towards_quorum(session):
    meeting, cab = session.meeting, session.cab
    absent = cab.members[1]
    live.assign_deputy(meeting, cab.secretariat, absent, cab.deputies[0])
    # 16 members and the chair (present from the opening), a deputy and an invitee.
    check_in(meeting, cab.members[2:18] + [cab.deputies[0], cab.invitee])
    status = live.quorum_status(meeting)
    assert (status.present, status.met) == (17, False)


def test_open_vote_27_members_one_changes_everyone_gets_the_same_result(
    session, join, manual_progress
):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    clients = {m.id: join(m, meeting)[0] for m in cab.members}
    invitee_sio, _ = join(cab.invitee, meeting)
    ack = open_vote(clients[cab.chair.id], meeting, session.items[0])
    assert ack["ok"], ack
    poll_id = ack["poll"]["id"]
    for sio in [*clients.values(), invitee_sio]:
        assert [e["poll"]["id"] for e in events_named(sio, "vote.opened")] == [poll_id]

    plan = {m.id: Choice.APPROVE for m in cab.members[:15]}
    plan |= {m.id: Choice.DISAPPROVE for m in cab.members[15:24]}
    plan |= {m.id: Choice.ABSTAIN for m in cab.members[24:]}
    receipts = {}
    for member in cab.members:
        client_id = cid()
        ack = cast(clients[member.id], poll_id, plan[member.id], client_id)
        assert ack["ok"] is True, ack
        assert ack["receipt"]["poll_id"] == poll_id and ack["receipt"]["client_id"] == client_id
        receipts[member.id] = ack["receipt"]
    # One member changes their mind: the last choice counts, the history is kept.
    changer = cab.members[20]
    ack = cast(clients[changer.id], poll_id, "approve")
    assert ack["ok"] and ack["receipt"]["choice"] == "approve"
    plan[changer.id] = Choice.APPROVE

    # Coalesced progress: nothing per cast; one "27 of 27" per tablet when the flusher runs.
    assert all(events_named(sio, "vote.progress") == [] for sio in clients.values())
    assert manual_progress.flush() == 1
    for sio in [*clients.values(), invitee_sio]:
        assert [(e["voted"], e["eligible"]) for e in events_named(sio, "vote.progress")] == [
            (27, 27)
        ]

    poll = db.session.get(Poll, poll_id)
    live_outcome = polls.tally_poll(poll)
    ack = clients[cab.chair.id].emit("vote.close", {"poll_id": poll_id}, callback=True)
    assert ack["ok"] is True, ack
    result = ack["result"]
    assert (result["approve"], result["disapprove"], result["abstain"], result["not_voted"]) == (
        16,
        8,
        3,
        0,
    )
    assert result["passed"] is True and result["decided_by"] == "majority"
    assert result["required"] == 14 and result["base"] == 27
    assert result["rule"] == {
        "base": "all_members",
        "threshold": "simple_majority",
        "quorum_fraction": "2/3",
    }
    assert len(result["entitled"]) == 27
    assert {c["user_id"]: c["choice"] for c in result["choices"]} == {
        k: str(v) for k, v in plan.items()
    }
    # The live tally and the final result are the same function on the same casts.
    assert {k: result[k] for k in ("approve", "disapprove", "abstain", "passed", "decided_by")} == {
        k: live_outcome.as_dict()[k]
        for k in ("approve", "disapprove", "abstain", "passed", "decided_by")
    }

    announced = [events_named(sio, "vote.closed") for sio in [*clients.values(), invitee_sio]]
    assert all(len(events) == 1 for events in announced)
    assert all(events[0] == announced[0][0] for events in announced)
    assert announced[0][0]["poll"]["result"]["approve"] == 16
    assert (
        db.session.scalar(
            select(func.count()).select_from(OpenCast).where(OpenCast.poll_id == poll_id)
        )
        == 28
    )


def test_deputy_and_invitee_are_refused_as_voters(session, join):
    meeting, cab = session.meeting, session.cab
    absent, deputy = cab.members[1], cab.deputies[0]
    live.assign_deputy(meeting, cab.secretariat, absent, deputy)
    check_in(meeting, [m for m in cab.members if m is not absent] + [deputy, cab.invitee])
    chair, _ = join(cab.chair, meeting)
    poll_id = open_vote(chair, meeting, session.items[0])["poll"]["id"]

    deputy_sio, deputy_join = join(deputy, meeting)
    assert deputy_join["state"]["live"]["vote"]["can_vote"] is False
    # The tablet learns why before any tap, so it offers no vote buttons.
    assert deputy_join["state"]["live"]["vote"]["not_eligible"] == "deputy"
    _, member_join = join(cab.members[3], meeting)
    assert member_join["state"]["live"]["vote"]["can_vote"] is True
    assert member_join["state"]["live"]["vote"]["not_eligible"] is None
    ack = cast(deputy_sio, poll_id, "approve")
    assert ack["ok"] is False
    assert ack["error"]["code"] == "vote.not_eligible"
    assert ack["error"]["message"] == "Người dự thay không có quyền biểu quyết."

    invitee_sio, invitee_join = join(cab.invitee, meeting)
    assert invitee_join["state"]["live"]["vote"]["not_eligible"] == "invitee"
    ack = cast(invitee_sio, poll_id, "approve")
    assert (ack["ok"], ack["error"]["code"]) == (False, "vote.not_eligible")
    assert ack["error"]["message"] == "Khách mời không có quyền biểu quyết."
    assert polls.voted_count(db.session.get(Poll, poll_id)) == 0


def test_member_arriving_after_the_vote_opened_is_refused(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members[:20])
    chair, _ = join(cab.chair, meeting)
    poll_id = open_vote(chair, meeting, session.items[0])["poll"]["id"]
    late = cab.members[25]
    late_sio, late_join = join(late, meeting)
    assert late_join["state"]["live"]["vote"]["not_eligible"] == "absent"
    ack = cast(late_sio, poll_id, "approve")
    assert (ack["ok"], ack["error"]["code"]) == (False, "vote.not_eligible")
    assert "lúc mở biểu quyết" in ack["error"]["message"]

    ack = late_sio.emit(
        "attendance.check_in", {"meeting_id": meeting.id, "mode": "remote"}, callback=True
    )
    assert ack["ok"] and ack["attendance"]["presence"] == "present"
    rejoin = late_sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
    assert rejoin["state"]["live"]["vote"]["not_eligible"] == "late"

    ack = cast(late_sio, poll_id, "approve")
    assert (ack["ok"], ack["error"]["code"]) == (False, "vote.not_eligible")
    assert ack["error"]["message"] == (
        "Bạn không có quyền biểu quyết lần này vì có mặt sau khi mở biểu quyết."
    )


def test_duplicate_cast_is_counted_once(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    chair, _ = join(cab.chair, meeting)
    poll_id = open_vote(chair, meeting, session.items[0])["poll"]["id"]
    member_sio, _ = join(cab.members[3], meeting)
    client_id = cid()
    first = cast(member_sio, poll_id, "approve", client_id)
    again = cast(member_sio, poll_id, "approve", client_id)
    assert first["ok"] and again["ok"]
    assert again["receipt"] == first["receipt"] and again["duplicate"] is True
    poll = db.session.get(Poll, poll_id)
    assert polls.voted_count(poll) == 1
    assert db.session.scalar(select(func.count()).select_from(OpenCast)) == 1
    result = chair.emit("vote.close", {"poll_id": poll_id}, callback=True)["result"]
    assert (result["approve"], result["not_voted"]) == (1, 26)


def test_someone_elses_client_id_is_not_a_receipt(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    chair, _ = join(cab.chair, meeting)
    poll_id = open_vote(chair, meeting, session.items[0])["poll"]["id"]
    client_id = cid()
    assert cast(join(cab.members[3], meeting)[0], poll_id, "approve", client_id)["ok"]
    ack = cast(join(cab.members[4], meeting)[0], poll_id, "disapprove", client_id)
    assert (ack["ok"], ack["error"]["code"]) == (False, "conflict")


def test_cast_after_close_is_refused_and_the_result_is_final(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    chair, _ = join(cab.chair, meeting)
    poll_id = open_vote(chair, meeting, session.items[0])["poll"]["id"]
    member_sio, _ = join(cab.members[5], meeting)
    assert cast(member_sio, poll_id, "approve")["ok"]
    assert chair.emit("vote.close", {"poll_id": poll_id}, callback=True)["ok"]

    ack = cast(member_sio, poll_id, "disapprove")
    assert (ack["ok"], ack["error"]["code"]) == (False, "vote.closed")
    again = chair.emit("vote.close", {"poll_id": poll_id}, callback=True)
    assert (again["ok"], again["error"]["code"]) == (False, "vote.closed")

    result = db.session.get(PollResult, poll_id)
    result.approve = 27
    with pytest.raises(VotingClosed):
        db.session.flush()
    db.session.rollback()
    poll = db.session.get(Poll, poll_id)
    poll.question = "Sửa câu hỏi sau khi đã biểu quyết"
    with pytest.raises(VotingClosed):
        db.session.flush()


def test_only_the_chair_opens_and_closes(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    member_sio, _ = join(cab.members[2], meeting)
    ack = open_vote(member_sio, meeting, session.items[0])
    assert (ack["ok"], ack["error"]["code"]) == (False, "forbidden")
    chair, _ = join(cab.chair, meeting)
    poll_id = open_vote(chair, meeting, session.items[0])["poll"]["id"]
    assert open_vote(chair, meeting, session.items[1])["error"]["code"] == "vote.already_open"
    ack = member_sio.emit("vote.close", {"poll_id": poll_id}, callback=True)
    assert (ack["ok"], ack["error"]["code"]) == (False, "forbidden")


def test_tie_goes_to_the_chairs_side(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    chair, _ = join(cab.chair, meeting)
    poll_id = open_vote(chair, meeting, session.items[0])["poll"]["id"]
    poll = db.session.get(Poll, poll_id)
    for i, member in enumerate(cab.members):
        choice = "approve" if i < 13 else "disapprove" if i < 26 else "abstain"
        polls.cast_vote(poll, member, choice, cid())
    db.session.flush()
    result = PollResultSchema().dump(polls.close_poll(poll, cab.chair))
    assert (result["approve"], result["disapprove"], result["abstain"]) == (13, 13, 1)
    assert (result["passed"], result["decided_by"], result["tie_break"]) == (
        True,
        "chair_tie",
        "chair_approve",
    )


def test_bad_payloads_are_refused_with_fields(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    chair, _ = join(cab.chair, meeting)
    poll_id = open_vote(chair, meeting, session.items[0])["poll"]["id"]
    ack = chair.emit(
        "vote.cast", {"poll_id": poll_id, "choice": "maybe", "client_id": cid()}, callback=True
    )
    assert ack["ok"] is False and "choice" in ack["error"]["fields"]
    ack = chair.emit("vote.cast", {"poll_id": poll_id, "choice": "approve"}, callback=True)
    assert ack["ok"] is False and "client_id" in ack["error"]["fields"]
