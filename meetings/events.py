"""Announcements to a meeting's room; they leave only once the change is committed."""

from __future__ import annotations

from typing import Any

from cabinet.realtime import emit_after_commit, meeting_room
from meetings.models import Meeting


def announce(event: str, meeting: Meeting, /, **payload: Any) -> None:
    """Emit `event` to everyone following `meeting`, with its id and version, after commit."""
    emit_after_commit(
        event,
        {"meeting_id": meeting.id, "version": meeting.version, **payload},
        room=meeting_room(meeting.id),
    )
