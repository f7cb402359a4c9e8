"""What records add to the meetings package's pages (filled into `meetings.hooks`)."""

from __future__ import annotations

from typing import Any

from meetings import hooks
from records.services import decisions_of_meeting, minutes_of


def session_records(meeting: Any, user: Any) -> dict[str, Any]:
    """An ended session's minutes and the resolutions that `user` may open."""
    return {
        "records": {
            # The minutes page drafts the minutes on first visit, so it is offered even before.
            "minutes": minutes_of(meeting),
            "can_read_minutes": meeting.has_member_access(user),
            "decisions": [d for d in decisions_of_meeting(meeting) if d.can_read(user)],
        }
    }


def item_conclusion(meeting: Any, item: Any, user: Any) -> dict[str, Any] | None:
    """The chair's conclusion and the decision on `item`, from minutes `user` may read."""
    minutes = minutes_of(meeting)
    if minutes is None or not minutes.can_read(user):
        return None
    entry = next((e for e in minutes.content.get("items", []) if e.get("item_id") == item.id), {})
    if not entry:
        return None
    return {
        "conclusion": entry.get("conclusion") or "",
        "decision": entry.get("decision") or "",
        "minutes": minutes,
    }


def register_parts() -> None:
    """Fill the meetings package's hooks."""
    hooks.meeting_page_parts.register("records", session_records)
    hooks.item_page_parts.register("conclusion", item_conclusion)
