"""Live-session socket events: opening and closing, attendance, the current item, speakers.

Every handler follows the same order: load and check access (`meetings.loaders`), call one
service; `socket_event` validates the payload first, then commits and acks, and the
service's emits go out after the commit.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from cabinet.db import get_or_404
from cabinet.realtime import socket_event
from cabinet.users import current_person
from cabinet.users.models import User
from meetings.live import attendance, current_item, session, speakers
from meetings.live.models import AttendanceMode, Presence
from meetings.live.schemas import (
    AssignDeputySchema,
    CheckInSchema,
    CloseListSchema,
    ItemEventSchema,
    LiveMeetingSchema,
    MarkAttendanceSchema,
    SpeakingLimitSchema,
    SpeakingRequestSchema,
    SuspendSchema,
)
from meetings.loaders import load_item, load_meeting, load_speaking_request

ONLY_CHAIR_OPENS = _l("Chỉ chủ tọa khai mạc phiên họp.")
NOT_INVITED = _l("Bạn không có trong danh sách dự phiên họp này.")
ONLY_CLERKS_MARK = _l("Chỉ Văn phòng Chính phủ ghi nhận điểm danh.")
ONLY_CLERKS_NAME_DEPUTIES = _l("Chỉ Văn phòng Chính phủ ghi nhận người dự thay.")


def register_sockets() -> None:
    """Declare the live-session events on the Socket.IO server."""

    @socket_event("session.open", schema=LiveMeetingSchema)
    def open_session(data: dict[str, Any]) -> dict[str, Any]:
        """The chair opens the session."""
        meeting = load_meeting(data["meeting_id"], need="conduct", message=ONLY_CHAIR_OPENS)
        session.open_session(meeting, current_person())
        return {"state": str(meeting.state)}

    @socket_event("session.close", schema=LiveMeetingSchema)
    def close_session(data: dict[str, Any]) -> dict[str, Any]:
        """The chair closes the session."""
        meeting = load_meeting(data["meeting_id"], need="conduct")
        session.close_session(meeting, current_person())
        return {"state": str(meeting.state)}

    @socket_event("session.suspend", schema=SuspendSchema)
    def suspend_session(data: dict[str, Any]) -> dict[str, Any]:
        """The chair (or the secretariat) suspends the open session."""
        meeting = load_meeting(data["meeting_id"], need="conduct")
        session.suspend_session(meeting, current_person(), data["reason"])
        return {"state": str(meeting.state), "suspended": session.suspension(meeting)}

    @socket_event("session.resume", schema=LiveMeetingSchema)
    def resume_session(data: dict[str, Any]) -> dict[str, Any]:
        """The chair (or the secretariat) resumes the suspended session."""
        meeting = load_meeting(data["meeting_id"], need="conduct")
        session.resume_session(meeting, current_person())
        return {"state": str(meeting.state), "suspended": None}

    @socket_event("attendance.check_in", schema=CheckInSchema)
    def check_in(data: dict[str, Any]) -> dict[str, Any]:
        """A person checks in on their tablet."""
        meeting = load_meeting(data["meeting_id"], need="read", message=NOT_INVITED)
        row = attendance.check_in(meeting, current_person(), AttendanceMode(data["mode"]))
        return {"attendance": attendance.attendance_entry(row)}

    @socket_event("attendance.check_out", schema=LiveMeetingSchema)
    def check_out(data: dict[str, Any]) -> dict[str, Any]:
        """A person leaves the session."""
        meeting = load_meeting(data["meeting_id"], need="exists")
        row = attendance.check_out(meeting, current_person())
        return {"attendance": attendance.attendance_entry(row)}

    @socket_event("attendance.mark", schema=MarkAttendanceSchema)
    def mark(data: dict[str, Any]) -> dict[str, Any]:
        """The secretariat marks a person present or absent."""
        meeting = load_meeting(data["meeting_id"], need="manage", message=ONLY_CLERKS_MARK)
        row = attendance.mark_attendance(
            meeting,
            current_person(),
            get_or_404(User, data["user_id"]),
            presence=Presence(data["presence"]),
            mode=AttendanceMode(data["mode"]) if data["mode"] else None,
            with_leave=data["with_leave"],
            leave_reason=data["leave_reason"],
        )
        return {"attendance": attendance.attendance_entry(row)}

    @socket_event("attendance.mark_all", schema=LiveMeetingSchema)
    def mark_all(data: dict[str, Any]) -> dict[str, Any]:
        """The secretariat marks every member not yet marked present ("all present")."""
        meeting = load_meeting(data["meeting_id"], need="manage", message=ONLY_CLERKS_MARK)
        rows = attendance.mark_all_present(meeting, current_person())
        return {"marked": len(rows), "quorum": attendance.quorum_payload(meeting)}

    @socket_event("attendance.deputy", schema=AssignDeputySchema)
    def deputy(data: dict[str, Any]) -> dict[str, Any]:
        """The secretariat records the deputy attending for an absent member."""
        meeting = load_meeting(data["meeting_id"], need="manage", message=ONLY_CLERKS_NAME_DEPUTIES)
        member = get_or_404(User, data["member_id"])
        deputy_user = get_or_404(User, data["deputy_id"]) if data["deputy_id"] else None
        row = attendance.assign_deputy(
            meeting, current_person(), member, deputy_user, allow_other=data["allow_other"]
        )
        return {"attendance": attendance.attendance_entry(row)}

    @socket_event("session.set_current_item", schema=ItemEventSchema)
    def set_current_item(data: dict[str, Any]) -> dict[str, Any]:
        """The chair moves the session to an item."""
        meeting = load_meeting(data["meeting_id"], need="conduct")
        item = load_item(data["item_id"], need="exists", meeting=meeting)
        return {"current_item": current_item.set_current_item(meeting, current_person(), item)}

    @socket_event("speaking.request", schema=ItemEventSchema)
    def request_floor(data: dict[str, Any]) -> dict[str, Any]:
        """Ask to speak on an item."""
        meeting = load_meeting(data["meeting_id"], need="exists")
        item = load_item(data["item_id"], need="speak", meeting=meeting)
        req = speakers.request_floor(meeting, current_person(), item)
        return {"request": speakers.speaking_entry(req)}

    @socket_event("speaking.withdraw", schema=SpeakingRequestSchema)
    def withdraw(data: dict[str, Any]) -> dict[str, Any]:
        """Withdraw one's own request."""
        meeting = load_meeting(data["meeting_id"], need="exists")
        req = load_speaking_request(meeting, data["request_id"], need="own")
        req = speakers.withdraw_request(meeting, current_person(), req.id)
        return {"request": speakers.speaking_entry(req)}

    @socket_event("speaking.give_floor", schema=SpeakingRequestSchema)
    def give_floor(data: dict[str, Any]) -> dict[str, Any]:
        """The chair gives the floor."""
        meeting = load_meeting(data["meeting_id"], need="conduct")
        req = speakers.give_floor(meeting, current_person(), data["request_id"])
        return {"request": speakers.speaking_entry(req)}

    @socket_event("speaking.finish", schema=SpeakingRequestSchema)
    def finish(data: dict[str, Any]) -> dict[str, Any]:
        """The current speaker is done."""
        meeting = load_meeting(data["meeting_id"], need="conduct")
        req = speakers.finish_speaking(meeting, current_person(), data["request_id"])
        return {"request": speakers.speaking_entry(req)}

    @socket_event("speaking.remove", schema=SpeakingRequestSchema)
    def remove(data: dict[str, Any]) -> dict[str, Any]:
        """The chair removes a request."""
        meeting = load_meeting(data["meeting_id"], need="conduct")
        req = speakers.remove_request(meeting, current_person(), data["request_id"])
        return {"request": speakers.speaking_entry(req)}

    @socket_event("speaking.set_limit", schema=SpeakingLimitSchema)
    def set_limit(data: dict[str, Any]) -> dict[str, Any]:
        """The chair sets the time per speaker, for one item or for the session."""
        meeting = load_meeting(data["meeting_id"], need="conduct")
        item = None
        if data["item_id"] is not None:
            item = load_item(data["item_id"], need="exists", meeting=meeting)
        speakers.set_speaking_limit(meeting, current_person(), item, data["seconds"])
        return {"seconds": data["seconds"] or None}

    @socket_event("speaking.close_list", schema=CloseListSchema)
    def close_list(data: dict[str, Any]) -> dict[str, Any]:
        """The chair closes or reopens the list of speakers."""
        meeting = load_meeting(data["meeting_id"], need="conduct")
        item = load_item(data["item_id"], need="exists", meeting=meeting)
        speakers.close_speaking_list(meeting, current_person(), item, data["closed"])
        return {"speaking": speakers.queue_payload(item)}
