"""The live session's operations in one namespace (voting, the demo and tests use it as `live`).

They live by concern in `session` (open, close), `attendance` (check-in, marks, deputies,
quorum), `current_item` (the item under discussion and its timer) and `speakers` (the
speakers' list). Each flushes and queues its emits; the socket handler or view commits once,
and only then do tablets hear about the change. Access is checked by `meetings.loaders`.
"""

from meetings.live.attendance import (
    DeputyNotAllowed,
    assign_deputy,
    attendance_board,
    attendance_entry,
    attendance_of,
    attendance_rows,
    check_in,
    check_out,
    deputy_meeting_ids,
    deputy_read_hook,
    deputy_seat_for,
    is_member,
    mark_attendance,
    member_ids,
    present_member_ids,
    quorum_status,
)
from meetings.live.current_item import current_item_payload, live_session, set_current_item
from meetings.live.session import close_session, open_session, resume_session, suspend_session
from meetings.live.snapshot import live_snapshot
from meetings.live.speakers import (
    SpeakingListClosed,
    capacity_of,
    close_speaking_list,
    finish_speaking,
    give_floor,
    queue_payload,
    readers_of,
    remove_request,
    request_floor,
    speaking_entry,
    speaking_queue,
    withdraw_request,
)
from meetings.models import Meeting, SessionNotOpen, SessionSuspended

#: Raise SessionNotOpen unless the meeting is in session (the rule lives on the model).
ensure_in_session = Meeting.ensure_in_session
#: Raise SessionNotOpen outside the session, SessionSuspended while it is suspended.
ensure_running = Meeting.ensure_running

__all__ = [
    "DeputyNotAllowed",
    "SessionNotOpen",
    "SessionSuspended",
    "SpeakingListClosed",
    "assign_deputy",
    "attendance_board",
    "attendance_entry",
    "attendance_of",
    "attendance_rows",
    "capacity_of",
    "check_in",
    "check_out",
    "close_session",
    "close_speaking_list",
    "current_item_payload",
    "deputy_meeting_ids",
    "deputy_read_hook",
    "deputy_seat_for",
    "ensure_in_session",
    "ensure_running",
    "finish_speaking",
    "give_floor",
    "is_member",
    "live_session",
    "live_snapshot",
    "mark_attendance",
    "member_ids",
    "open_session",
    "present_member_ids",
    "queue_payload",
    "quorum_status",
    "readers_of",
    "remove_request",
    "request_floor",
    "resume_session",
    "set_current_item",
    "speaking_entry",
    "speaking_queue",
    "suspend_session",
    "withdraw_request",
]
