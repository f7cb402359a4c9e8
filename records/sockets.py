"""Socket events of records: members comment on circulated minutes from the meeting room."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from cabinet.db import get_or_404
from cabinet.errors import Forbidden
from cabinet.realtime import socket_event
from records import services
from records.models import Minutes
from records.schemas import MinutesCommentSocketSchema


def register_sockets() -> None:
    """Declare the client-to-server events (idempotent per process)."""

    @socket_event("minutes.comment", schema=MinutesCommentSocketSchema)
    def comment(data: dict[str, Any]) -> dict[str, Any]:
        """A member present comments on one item; the meeting room sees it after the commit."""
        user = current_user._get_current_object()
        minutes = get_or_404(Minutes, data["minutes_id"])
        if not minutes.can_read(user):
            raise Forbidden()
        created = services.add_comment(minutes, user, item_id=data["item_id"], text=data["text"])
        return {"comment": services.comment_dict(created, user)}


def records_part(meeting: Any, user: Any) -> dict[str, Any]:
    """The `records` part of the meeting snapshot: the minutes' state and whose signature waits."""
    minutes = services.minutes_of(meeting)
    if minutes is None:
        return {"minutes": None}
    awaiting = minutes.awaiting
    return {
        "minutes": {
            "id": minutes.id,
            "state": str(minutes.state),
            "version": minutes.version,
            "awaiting": awaiting.value if awaiting else None,
        }
    }
