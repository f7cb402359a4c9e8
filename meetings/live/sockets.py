"""Live-session socket events: attendance, the current item, the speakers' list.

Every handler follows the same order: load (404), check (in the service), call one service;
`socket_event` commits and acks, and the service's emits go out after the commit.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from cabinet.db import get_or_404
from cabinet.realtime import socket_event
from cabinet.users.models import User
from meetings.live import services
from meetings.live.models import AttendanceMode, Presence
from meetings.live.schemas import (
    AssignDeputySchema,
    CheckInSchema,
    CloseListSchema,
    ItemEventSchema,
    LiveMeetingSchema,
    MarkAttendanceSchema,
    SpeakingRequestSchema,
)
from meetings.models import AgendaItem, Meeting


def _me() -> User:
    return current_user._get_current_object()


def _meeting(data: dict[str, Any]) -> Meeting:
    return get_or_404(Meeting, data["meeting_id"])


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting.id:
        from cabinet.errors import NotFound

        raise NotFound()
    return item


def register_sockets() -> None:
    """Declare the live-session events on the Socket.IO server."""

    @socket_event("session.open", schema=LiveMeetingSchema)
    def open_session(data: dict[str, Any]) -> dict[str, Any]:
        """The chair opens the session."""
        meeting = _meeting(data)
        services.open_session(meeting, _me())
        return {"state": str(meeting.state)}

    @socket_event("session.close", schema=LiveMeetingSchema)
    def close_session(data: dict[str, Any]) -> dict[str, Any]:
        """The chair closes the session."""
        meeting = _meeting(data)
        services.close_session(meeting, _me())
        return {"state": str(meeting.state)}

    @socket_event("attendance.check_in", schema=CheckInSchema)
    def check_in(data: dict[str, Any]) -> dict[str, Any]:
        """A person checks in on their tablet."""
        meeting = _meeting(data)
        row = services.check_in(meeting, _me(), AttendanceMode(data["mode"]))
        return {"attendance": services.attendance_entry(row)}

    @socket_event("attendance.check_out", schema=LiveMeetingSchema)
    def check_out(data: dict[str, Any]) -> dict[str, Any]:
        """A person leaves the session."""
        meeting = _meeting(data)
        row = services.check_out(meeting, _me())
        return {"attendance": services.attendance_entry(row)}

    @socket_event("attendance.mark", schema=MarkAttendanceSchema)
    def mark(data: dict[str, Any]) -> dict[str, Any]:
        """The secretariat marks a person present or absent."""
        meeting = _meeting(data)
        person = get_or_404(User, data["user_id"])
        row = services.mark_attendance(
            meeting,
            _me(),
            person,
            presence=Presence(data["presence"]),
            mode=AttendanceMode(data["mode"]) if data["mode"] else None,
            with_leave=data["with_leave"],
            leave_reason=data["leave_reason"],
        )
        return {"attendance": services.attendance_entry(row)}

    @socket_event("attendance.deputy", schema=AssignDeputySchema)
    def deputy(data: dict[str, Any]) -> dict[str, Any]:
        """The secretariat records the deputy attending for an absent member."""
        meeting = _meeting(data)
        member = get_or_404(User, data["member_id"])
        deputy_user = get_or_404(User, data["deputy_id"]) if data["deputy_id"] else None
        row = services.assign_deputy(
            meeting, _me(), member, deputy_user, allow_other=data["allow_other"]
        )
        return {"attendance": services.attendance_entry(row)}

    @socket_event("session.set_current_item", schema=ItemEventSchema)
    def set_current_item(data: dict[str, Any]) -> dict[str, Any]:
        """The chair moves the session to an item."""
        meeting = _meeting(data)
        return {
            "current_item": services.set_current_item(
                meeting, _me(), _item(meeting, data["item_id"])
            )
        }

    @socket_event("speaking.request", schema=ItemEventSchema)
    def request_floor(data: dict[str, Any]) -> dict[str, Any]:
        """Ask to speak on an item."""
        meeting = _meeting(data)
        req = services.request_floor(meeting, _me(), _item(meeting, data["item_id"]))
        return {"request": services.speaking_entry(req)}

    @socket_event("speaking.withdraw", schema=SpeakingRequestSchema)
    def withdraw(data: dict[str, Any]) -> dict[str, Any]:
        """Withdraw one's own request."""
        req = services.withdraw_request(_meeting(data), _me(), data["request_id"])
        return {"request": services.speaking_entry(req)}

    @socket_event("speaking.give_floor", schema=SpeakingRequestSchema)
    def give_floor(data: dict[str, Any]) -> dict[str, Any]:
        """The chair gives the floor."""
        req = services.give_floor(_meeting(data), _me(), data["request_id"])
        return {"request": services.speaking_entry(req)}

    @socket_event("speaking.finish", schema=SpeakingRequestSchema)
    def finish(data: dict[str, Any]) -> dict[str, Any]:
        """The current speaker is done."""
        req = services.finish_speaking(_meeting(data), _me(), data["request_id"])
        return {"request": services.speaking_entry(req)}

    @socket_event("speaking.remove", schema=SpeakingRequestSchema)
    def remove(data: dict[str, Any]) -> dict[str, Any]:
        """The chair removes a request."""
        req = services.remove_request(_meeting(data), _me(), data["request_id"])
        return {"request": services.speaking_entry(req)}

    @socket_event("speaking.close_list", schema=CloseListSchema)
    def close_list(data: dict[str, Any]) -> dict[str, Any]:
        """The chair closes or reopens the list of speakers."""
        meeting = _meeting(data)
        item = _item(meeting, data["item_id"])
        services.close_speaking_list(meeting, _me(), item, data["closed"])
        return {"speaking": services.queue_payload(item)}
