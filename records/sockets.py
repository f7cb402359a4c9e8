"""Socket events of records: members comment on circulated minutes from the meeting room."""

from __future__ import annotations

from typing import Any

from cabinet.realtime import socket_event
from cabinet.users import current_person
from records import services
from records.access import load_minutes
from records.schemas import MinutesCommentSchema, MinutesCommentSocketSchema, MinutesStatusSchema


def register_sockets() -> None:
    """Declare the client-to-server events (idempotent per process)."""

    @socket_event("minutes.comment", schema=MinutesCommentSocketSchema)
    def comment(data: dict[str, Any]) -> dict[str, Any]:
        """A member present comments on one item; the meeting room sees it after the commit."""
        minutes = load_minutes(data["minutes_id"], need="comment")
        created = services.add_comment(
            minutes, current_person(), item_id=data["item_id"], text=data["text"]
        )
        return {"comment": MinutesCommentSchema().dump(created)}


def records_part(meeting: Any, user: Any) -> dict[str, Any]:
    """The `records` part of the meeting snapshot: the minutes' state and whose signature waits."""
    minutes = services.minutes_status_of(meeting)
    return {"minutes": MinutesStatusSchema().dump(minutes) if minutes is not None else None}
