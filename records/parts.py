"""What records add to the meetings package (filled into `meetings.hooks`): the minutes are
drafted as a session closes, and an ended session's pages lead to its minutes and resolutions."""

from __future__ import annotations

from typing import Any

from meetings import hooks
from meetings.models import Meeting
from records.compose.minutes import default_secretary
from records.services import decisions_of_meeting, draft_minutes, minutes_of


def draft_minutes_at_close(meeting: Meeting, actor: Any) -> None:
    """Draft the minutes as the chair closes the session, so that opening them only reads.

    The system writes the text (its first revision reads "Hệ thống"); the audit log names the
    person whose close drafted it. The secretary is the secretariat participant named for the
    meeting, else whoever prepared it, never the chair who closes it.
    """
    if minutes_of(meeting) is None:
        secretary = default_secretary(meeting, fallback=meeting.created_by)
        draft_minutes(meeting, actor, secretary=secretary, author=None)


def session_records(meeting: Any, user: Any) -> dict[str, Any]:
    """An ended session's minutes and the resolutions that `user` may open."""
    return {
        "records": {
            # Sessions closed before minutes were drafted at close draft them on first open,
            # so the link is offered even before they exist.
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
    hooks.session_closed.register("minutes", draft_minutes_at_close)
    hooks.meeting_page_parts.register("records", session_records)
    hooks.item_page_parts.register("conclusion", item_conclusion)
