"""Socket handlers: following a meeting (`meeting.join` returns the full state) and leaving it."""

from __future__ import annotations

from typing import Any

from flask_socketio import join_room, leave_room

from cabinet.realtime import meeting_room, snapshot_parts, socket_event
from cabinet.users import current_person
from meetings.loaders import load_meeting
from meetings.models import Meeting
from meetings.queries import meeting_state
from meetings.schemas import MeetingJoinSchema


def full_state(meeting: Meeting, user: Any) -> dict[str, Any]:
    """This package's snapshot merged with every registered part (attendance, polls, ...),
    with the revision it was read at (read first: a later change carries a higher one)."""
    revision = meeting.revision
    return {
        **meeting_state(meeting, user, encoded=True),  # the ack's items encoded once for many
        **snapshot_parts(meeting, user),
        "revision": revision,
    }


def register_sockets() -> None:
    """Declare the meeting subscription events on the Socket.IO server."""

    @socket_event("meeting.join", schema=MeetingJoinSchema, heavy=True)
    def join(data: dict[str, Any]) -> dict[str, Any]:
        """Follow a meeting: access check, join its room, the state in one message."""
        meeting = load_meeting(data["meeting_id"], need="read")
        join_room(meeting_room(meeting.id))
        return {"state": full_state(meeting, current_person())}

    @socket_event("meeting.leave", schema=MeetingJoinSchema)
    def leave(data: dict[str, Any]) -> dict[str, Any]:
        """Stop following a meeting."""
        leave_room(meeting_room(data["meeting_id"]))
        return {}
