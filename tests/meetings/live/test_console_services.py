"""Issue 16 over sockets: the chair is present from the opening, a closed session has nothing
under discussion, "all present", and the time per speaker (item or session) in the queue."""

from __future__ import annotations

from meetings.live import services as live
from meetings.live.models import Presence
from tests.voting.polls.helpers import build_session


def test_the_chair_who_opens_the_session_is_present(db, make_cabinet, join):
    s = build_session(make_cabinet(5), open_session=False)
    chair, _ = join(s.cab.chair, s.meeting)
    assert chair.emit("session.open", {"meeting_id": s.meeting.id}, callback=True)["ok"]
    assert live.quorum_status(s.meeting).present == 1
    assert live.attendance_of(s.meeting, s.cab.chair.id).presence == Presence.PRESENT


def test_a_closed_session_has_no_current_item_nor_speakers(session, join):
    meeting, cab = session.meeting, session.cab
    member, ack = join(cab.members[1], meeting)
    assert ack["state"]["live"]["current_item"]["item_id"] == session.items[0].id
    live.close_session(meeting, cab.chair)
    _, ack = join(cab.members[1], meeting)
    assert ack["state"]["meeting"]["state"] == "closed"
    assert ack["state"]["live"]["current_item"] is None
    assert ack["state"]["live"]["speaking"] is None


def test_all_present_marks_only_the_unmarked_members(session, join):
    meeting, cab = session.meeting, session.cab
    clerk, _ = join(cab.secretariat, meeting)
    away = cab.members[4]
    ack = clerk.emit(
        "attendance.mark",
        {"meeting_id": meeting.id, "user_id": away.id, "presence": "absent", "with_leave": True},
        callback=True,
    )
    assert ack["ok"], ack
    ack = clerk.emit("attendance.mark_all", {"meeting_id": meeting.id}, callback=True)
    assert ack["ok"], ack
    assert ack["marked"] == 25  # 27 less the chair (present) and the member away
    assert ack["quorum"]["present"] == 26
    assert live.attendance_of(meeting, away.id).presence == Presence.ABSENT
    member, _ = join(cab.members[1], meeting)
    ack = member.emit("attendance.mark_all", {"meeting_id": meeting.id}, callback=True)
    assert (ack["ok"], ack["error"]["code"]) == (False, "forbidden")


def test_the_time_per_speaker_follows_the_item_else_the_session(session, join):
    meeting, cab = session.meeting, session.cab
    chair, _ = join(cab.chair, meeting)
    item = session.items[0]
    ack = chair.emit(
        "speaking.set_limit", {"meeting_id": meeting.id, "seconds": 300}, callback=True
    )
    assert ack == {"ok": True, "seconds": 300}
    queue = [m["args"][0] for m in chair.get_received() if m["name"] == "speaking.updated"][-1]
    assert (queue["limit_seconds"], queue["session_limit_seconds"]) == (300, 300)
    ack = chair.emit(
        "speaking.set_limit",
        {"meeting_id": meeting.id, "item_id": item.id, "seconds": 120},
        callback=True,
    )
    assert ack["ok"]
    queue = [m["args"][0] for m in chair.get_received() if m["name"] == "speaking.updated"][-1]
    assert (queue["limit_seconds"], queue["item_limit_seconds"]) == (120, 120)
    assert queue["server_now"]
    bad = chair.emit("speaking.set_limit", {"meeting_id": meeting.id, "seconds": -5}, callback=True)
    assert (bad["ok"], bad["error"]["code"]) == (False, "validation_failed")
    member, _ = join(cab.members[1], meeting)
    ack = member.emit(
        "speaking.set_limit", {"meeting_id": meeting.id, "seconds": 60}, callback=True
    )
    assert (ack["ok"], ack["error"]["code"]) == (False, "forbidden")
