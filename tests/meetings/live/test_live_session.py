"""The live session over sockets: opening, attendance and quorum, deputies, items, speakers, resync."""

from __future__ import annotations

import uuid

from cabinet.db import db
from meetings.live import services as live
from meetings.live.record import session_record
from meetings.models import MeetingState
from tests.conftest import events_named
from tests.voting.polls.helpers import build_session, check_in


def test_chair_opens_the_session_and_the_first_item_becomes_current(db, make_cabinet, join):
    s = build_session(make_cabinet(5), open_session=False)
    member, _ = join(s.cab.members[1], s.meeting)
    ack = member.emit("session.open", {"meeting_id": s.meeting.id}, callback=True)
    assert (ack["ok"], ack["error"]["code"]) == (False, "forbidden")
    chair, _ = join(s.cab.chair, s.meeting)
    ack = chair.emit("session.open", {"meeting_id": s.meeting.id}, callback=True)
    assert ack == {"ok": True, "state": "in_session"}
    assert s.meeting.state == MeetingState.IN_SESSION
    received = {m["name"]: m["args"][0] for m in member.get_received()}
    current = received["session.current_item"]
    assert (current["item_id"], current["number"], current["planned_minutes"]) == (
        s.items[0].id,
        1,
        30,
    )
    assert current["running_since"] is not None
    changed = dict(received["meeting.state_changed"])
    assert changed.pop("revision") >= 1  # every broadcast carries the meeting revision
    assert changed == {
        "meeting_id": s.meeting.id,
        "state": "in_session",
        "phase": "in_session",
        "suspended": None,
    }


def test_check_in_updates_the_quorum_on_every_tablet(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members[:17])
    watcher, _ = join(cab.invitee, meeting)
    late, _ = join(cab.members[20], meeting)
    ack = late.emit(
        "attendance.check_in", {"meeting_id": meeting.id, "mode": "remote"}, callback=True
    )
    assert ack["ok"] and ack["attendance"]["mode"] == "remote"
    [update] = events_named(watcher, "attendance.updated")
    assert update["quorum"] == {
        "present": 18,
        "required": 18,
        "all_members": 27,
        "met": True,
        "missing": 0,
    }
    assert update["attendee"]["name"] == cab.members[20].name
    ack = late.emit("attendance.check_out", {"meeting_id": meeting.id}, callback=True)
    assert ack["ok"]
    assert events_named(watcher, "attendance.updated")[0]["quorum"]["met"] is False


def test_secretariat_marks_absence_with_leave_and_the_designated_deputy(session, join):
    meeting, cab = session.meeting, session.cab
    clerk, _ = join(cab.secretariat, meeting)
    absent, designated, other = cab.members[1], cab.deputies[0], cab.deputies[1]
    ack = clerk.emit(
        "attendance.mark",
        {
            "meeting_id": meeting.id,
            "user_id": absent.id,
            "presence": "absent",
            "with_leave": True,
            "leave_reason": "Công tác nước ngoài",
        },
        callback=True,
    )
    assert ack["ok"] and ack["attendance"]["with_leave"] is True
    assert not meeting.can_read(other)

    ack = clerk.emit(
        "attendance.deputy",
        {"meeting_id": meeting.id, "member_id": absent.id, "deputy_id": other.id},
        callback=True,
    )
    assert (ack["ok"], ack["error"]["code"]) == (False, "attendance.deputy_not_allowed")
    assert other.name in ack["error"]["fields"]["deputy_id"][0]
    ack = clerk.emit(
        "attendance.deputy",
        {"meeting_id": meeting.id, "member_id": absent.id, "deputy_id": designated.id},
        callback=True,
    )
    assert ack["ok"] and ack["attendance"]["deputy"]["name"] == designated.name
    # The deputy now reads the meeting (read hook) and follows it; they do not count.
    assert meeting.can_read(designated)
    deputy_sio, join_ack = join(designated, meeting)
    assert join_ack["state"]["live"]["me"]["deputy_for"] == absent.name
    assert deputy_sio.emit("attendance.check_in", {"meeting_id": meeting.id}, callback=True)["ok"]
    assert live.quorum_status(meeting).present == 1  # the chair (from the opening), not the deputy
    board = live.attendance_board(meeting)
    row = next(m for m in board["members"] if m["user_id"] == absent.id)
    assert row["deputy"] == {"id": designated.id, "name": designated.name, "present": True}

    member, _ = join(cab.members[2], meeting)
    ack = member.emit(
        "attendance.mark",
        {"meeting_id": meeting.id, "user_id": absent.id, "presence": "present"},
        callback=True,
    )
    assert (ack["ok"], ack["error"]["code"]) == (False, "forbidden")
    ack = clerk.emit(
        "attendance.deputy",
        {
            "meeting_id": meeting.id,
            "member_id": cab.members[5].id,
            "deputy_id": other.id,
            "allow_other": True,
        },
        callback=True,
    )
    assert ack["ok"], ack


def test_speakers_queue_floor_close_and_remove(session, join):
    meeting, cab = session.meeting, session.cab
    item, restricted = session.items[0], session.items[2]
    check_in(meeting, cab.members)
    chair, _ = join(cab.chair, meeting)
    a, _ = join(cab.members[3], meeting)
    b, _ = join(cab.members[4], meeting)
    guest, _ = join(cab.invitee, meeting)

    first = a.emit(
        "speaking.request", {"meeting_id": meeting.id, "item_id": item.id}, callback=True
    )
    assert first["ok"] and first["request"]["capacity"] == "member"
    again = a.emit(
        "speaking.request", {"meeting_id": meeting.id, "item_id": item.id}, callback=True
    )
    assert again["request"]["id"] == first["request"]["id"]
    second = b.emit(
        "speaking.request", {"meeting_id": meeting.id, "item_id": item.id}, callback=True
    )
    third = guest.emit(
        "speaking.request", {"meeting_id": meeting.id, "item_id": item.id}, callback=True
    )
    assert third["ok"] and third["request"]["capacity"] == "invitee"
    refused = guest.emit(
        "speaking.request", {"meeting_id": meeting.id, "item_id": restricted.id}, callback=True
    )
    assert refused["ok"] is False

    ack = chair.emit(
        "speaking.give_floor",
        {"meeting_id": meeting.id, "request_id": second["request"]["id"]},
        callback=True,
    )
    assert ack["ok"] and ack["request"]["status"] == "speaking"
    queue = events_named(guest, "speaking.updated")[-1]["queue"]
    assert [(q["name"], q["status"]) for q in queue] == [
        (cab.members[4].name, "speaking"),
        (cab.members[3].name, "waiting"),
        (cab.invitee.name, "waiting"),
    ]
    assert (
        b.emit(
            "speaking.give_floor",
            {"meeting_id": meeting.id, "request_id": first["request"]["id"]},
            callback=True,
        )["ok"]
        is False
    )
    chair.emit(
        "speaking.give_floor",
        {"meeting_id": meeting.id, "request_id": first["request"]["id"]},
        callback=True,
    )
    chair.emit(
        "speaking.remove",
        {"meeting_id": meeting.id, "request_id": third["request"]["id"]},
        callback=True,
    )
    closed = chair.emit(
        "speaking.close_list",
        {"meeting_id": meeting.id, "item_id": item.id, "closed": True},
        callback=True,
    )
    assert closed["speaking"]["closed"] is True
    late = join(cab.members[6], meeting)[0].emit(
        "speaking.request", {"meeting_id": meeting.id, "item_id": item.id}, callback=True
    )
    assert (late["ok"], late["error"]["code"]) == (False, "speaking.closed")

    record = session_record(meeting)
    spoke = next(i for i in record["items"] if i["item_id"] == item.id)["speakers"]
    assert [s["name"] for s in spoke] == [cab.members[4].name, cab.members[3].name]


def test_chair_moves_the_current_item_and_the_timer_follows(session, join):
    meeting, cab = session.meeting, session.cab
    tablet, _ = join(cab.members[2], meeting)
    refused = tablet.emit(
        "session.set_current_item",
        {"meeting_id": meeting.id, "item_id": session.items[1].id},
        callback=True,
    )
    assert refused["ok"] is False
    chair, _ = join(cab.chair, meeting)
    ack = chair.emit(
        "session.set_current_item",
        {"meeting_id": meeting.id, "item_id": session.items[1].id},
        callback=True,
    )
    assert ack["ok"] and ack["current_item"]["number"] == 2
    [event] = events_named(tablet, "session.current_item")
    assert (event["item_id"], event["elapsed_seconds"], event["planned_minutes"]) == (
        session.items[1].id,
        0,
        20,
    )
    from meetings.live.models import ItemProgress

    first = db.session.get(ItemProgress, session.items[0].id)
    assert first.running_since is None and first.elapsed_seconds >= 0
    assert db.session.get(ItemProgress, session.items[1].id).running_since is not None


def test_reconnecting_tablet_gets_the_full_live_state_in_one_message(session, join, socket_client):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    chair, _ = join(cab.chair, meeting)
    member = cab.members[7]
    tablet, _ = join(member, meeting)
    tablet.emit(
        "speaking.request",
        {"meeting_id": meeting.id, "item_id": session.items[0].id},
        callback=True,
    )
    poll = chair.emit(
        "vote.open",
        {"meeting_id": meeting.id, "item_id": session.items[0].id, "question": "Thông qua?"},
        callback=True,
    )["poll"]
    client_id = uuid.uuid4().hex
    receipt = tablet.emit(
        "vote.cast",
        {"poll_id": poll["id"], "choice": "disapprove", "client_id": client_id},
        callback=True,
    )["receipt"]
    tablet.disconnect()

    again, ack = join(member, meeting)
    state = ack["state"]["live"]
    assert state["current_item"]["item_id"] == session.items[0].id
    assert [q["name"] for q in state["speaking"]["queue"]] == [member.name]
    assert state["quorum"]["met"] is True
    assert state["vote"]["poll"]["id"] == poll["id"] and state["vote"]["can_vote"] is True
    assert state["vote"]["my_cast"] == receipt and receipt["choice"] == "disapprove"
    assert state["me"]["attendance"]["presence"] == "present"


def test_session_record_for_the_minutes(session, join):
    meeting, cab = session.meeting, session.cab
    live.mark_attendance(
        meeting,
        cab.secretariat,
        cab.members[1],
        presence="absent",
        with_leave=True,
        leave_reason="Ốm",
    )
    live.assign_deputy(meeting, cab.secretariat, cab.members[1], cab.deputies[0])
    check_in(meeting, [m for m in cab.members if m is not cab.members[1]] + [cab.invitee])
    chair, _ = join(cab.chair, meeting)
    poll = chair.emit(
        "vote.open",
        {"meeting_id": meeting.id, "item_id": session.items[0].id, "question": "Thông qua?"},
        callback=True,
    )["poll"]
    for m in cab.members[:16]:
        if m is not cab.members[1]:
            join(m, meeting)[0].emit(
                "vote.cast",
                {"poll_id": poll["id"], "choice": "approve", "client_id": uuid.uuid4().hex},
                callback=True,
            )
    chair.emit("vote.close", {"poll_id": poll["id"]}, callback=True)

    record = session_record(meeting)
    attendance = record["attendance"]
    assert len(attendance["present"]) == 26
    assert (
        attendance["absent"][0]["name"] == cab.members[1].name
        and attendance["absent"][0]["with_leave"]
    )
    assert attendance["deputies"][0]["deputy"]["name"] == cab.deputies[0].name
    assert attendance["deputies"][0]["for"]["name"] == cab.members[1].name
    assert [p["name"] for p in attendance["invitees"]] == [cab.invitee.name]
    [vote] = record["votes"]
    assert (vote["approve"], vote["not_voted"], vote["passed"], vote["kind"]) == (
        15,
        11,
        True,
        "open",
    )
    assert vote["rule"]["base"] == "all_members"
    assert {c["name"] for c in vote["choices"]} == {
        m.name for m in cab.members[:16] if m is not cab.members[1]
    }


def test_opening_from_the_meeting_page_is_the_consoles_opening(db, make_cabinet, user_client):
    """The meeting page's "Khai mạc phiên họp" (and the API) open the live session as the
    console does: the chair who opens is counted present, the first item becomes current."""
    from meetings.live.attendance import present_member_ids
    from meetings.live.models import LiveSession

    s = build_session(make_cabinet(5), open_session=False)
    page = user_client(s.cab.chair)
    answer = page.post(f"/meetings/{s.meeting.id}/state", data={"state": "in_session"})
    assert answer.status_code in (302, 303), answer.get_data(as_text=True)[:300]
    db.session.expire_all()
    assert s.meeting.state == MeetingState.IN_SESSION
    live_row = db.session.query(LiveSession).filter_by(meeting_id=s.meeting.id).one()
    assert live_row.started_at is not None
    assert live_row.current_item_id == s.items[0].id
    assert present_member_ids(s.meeting) == {s.cab.chair.id}
