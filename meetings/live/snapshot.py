"""The "live" part of the `meeting.join` state: everything a reconnecting tablet needs."""

from __future__ import annotations

from typing import Any

from meetings import hooks
from meetings.live.attendance import attendance_of, deputy_seat_for, is_member, quorum_status
from meetings.live.current_item import current_item_state, live_session
from meetings.live.schemas import LiveStateSchema
from meetings.live.session import suspension
from meetings.live.speakers import queue_state
from meetings.models import Meeting


def live_snapshot(meeting: Meeting, user: Any) -> dict[str, Any]:
    """Session, quorum, own attendance, the current item and its speakers' list."""
    # Outside the session (planned, closed) nothing is under discussion: no item, no timer,
    # no speakers' list to join, whatever the last item was.
    session = live_session(meeting) if meeting.in_session else None
    item = session.current_item if session is not None else None
    seat_row = deputy_seat_for(meeting, user)
    return LiveStateSchema().dump(
        {
            "in_session": meeting.in_session,
            "suspended": suspension(meeting),
            "current_item": current_item_state(meeting) if session is not None else None,
            "speaking": queue_state(item) if item is not None and item.can_read(user) else None,
            "quorum": quorum_status(meeting),
            "me": {
                "attendance": attendance_of(meeting, user.id),
                "is_member": is_member(user),
                "deputy_for": seat_row.user.name if seat_row else None,
                "can_conduct": meeting.can_conduct(user),
                "can_chair": meeting.can_chair(user),
            },
        }
    )


def live_part(meeting: Any, user: Any) -> dict[str, Any]:
    """The live snapshot; voting adds the open vote and the last result through its hook."""
    data = live_snapshot(meeting, user)
    data.update({"vote": None, "last_result": None, **hooks.live_parts.merged(meeting, user)})
    return data
