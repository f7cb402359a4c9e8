"""The "live" part of the `meeting.join` state: everything a reconnecting tablet needs."""

from __future__ import annotations

from typing import Any

from cabinet.db import utcnow
from cabinet.memo import BoundedMemo
from cabinet.users.services import member_count_and_seat
from meetings import hooks
from meetings.agenda_facts import item_readable_in
from meetings.live.attendance import own_attendance, quorum_status
from meetings.live.current_item import current_item_id, current_item_state, live_session
from meetings.live.revision import at_revision
from meetings.live.schemas import LiveMeSchema, LiveStateSchema
from meetings.live.session import suspension
from meetings.live.speakers import queue_state
from meetings.models import Meeting

#: What the live part says to everyone (not `me`), per meeting revision and whether the person
#: may read the item under discussion (its speakers' list is shown only then).
_SHARED: BoundedMemo[dict[str, Any]] = BoundedMemo(size=64)
_SHARED_SCHEMA = LiveStateSchema(exclude=("me",))
_ME_SCHEMA = LiveMeSchema()


def live_snapshot(meeting: Meeting, user: Any) -> dict[str, Any]:
    """Session, quorum, own attendance, the current item and its speakers' list.

    Everything but `me` changes only with a change the tablets are told about, which bumps the
    meeting's revision: it is built once per revision (and per seat count: the quorum's base)
    and shared; the server's time is laid over it per person."""
    # Outside the session (planned, closed) nothing is under discussion: no item, no timer,
    # no speakers' list to join, whatever the last item was.
    item_id = (
        at_revision(meeting, "current_item", lambda: current_item_id(meeting))
        if meeting.in_session
        else None
    )
    floor = item_id is not None and item_readable_in(meeting, item_id, user)
    members, seated = member_count_and_seat(user)

    def shared() -> dict[str, Any]:
        session = live_session(meeting) if meeting.in_session else None
        return _SHARED_SCHEMA.dump(
            {
                "in_session": meeting.in_session,
                "suspended": suspension(meeting),
                "current_item": current_item_state(meeting) if session is not None else None,
                "speaking": queue_state(session.current_item)
                if floor and session is not None
                else None,
                "quorum": quorum_status(meeting),
            }
        )

    key = (
        *(meeting.id, meeting.created_at, meeting.updated_at, meeting.revision),
        *(item_id, floor, members),
    )
    state = dict(_SHARED.get_or_build(key, shared))
    now = utcnow().isoformat()  # as the schemas dump it (ISO 8601)
    for timed in ("current_item", "speaking"):
        if state[timed] is not None:
            state[timed] = {**state[timed], "server_now": now}
    own, seat_row = own_attendance(meeting, user)
    state["me"] = _ME_SCHEMA.dump(
        {
            "attendance": own,
            "is_member": seated,
            "deputy_for": seat_row.user.name if seat_row else None,
            "can_conduct": meeting.can_conduct(user),
            "can_chair": meeting.can_chair(user),
        }
    )
    return state


def live_part(meeting: Any, user: Any) -> dict[str, Any]:
    """The live snapshot; voting adds the open vote and the last result through its hook."""
    data = live_snapshot(meeting, user)
    data.update({"vote": None, "last_result": None, **hooks.live_parts.merged(meeting, user)})
    return data
