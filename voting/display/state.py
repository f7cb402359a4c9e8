"""What the room screen shows, computed on the server: the only thing a display token reads.

The current item (a restricted item shows its number only), the speaker, when they were given
the floor and the time they have (the item's speaking-time limit, else the session's: the
screen counts down from the server's clock, so a reconnected screen shows the same), the quorum, the open vote's progress ("N of M have voted", never a running tally)
and the last result as counts. Never papers, never names of voters, never a restricted item's
content; a secret vote shows only counts, and only once it is closed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from cabinet.db import db, utcnow
from cabinet.glossary import office
from meetings.live.attendance import quorum_status
from meetings.live.current_item import current_item_state, live_session
from meetings.live.models import SpeakerStatus, SpeakingRequest
from meetings.live.speakers import speaking_limits
from meetings.models import AgendaItem, Meeting
from voting.polls.counting import open_poll_of, voted_count
from voting.polls.models import Poll, PollState

_RESULT_KEYS = (
    "approve",
    "disapprove",
    "abstain",
    "not_voted",
    "base",
    "required",
    "passed",
    "decided_by",
    "tie_break",
    "rule",
    "all_members",
    "present",
)


def _public(item: AgendaItem | None) -> bool:
    return item is None or not item.restricted


def _speaker(item: AgendaItem) -> dict[str, Any] | None:
    req = db.session.scalar(
        select(SpeakingRequest).where(
            SpeakingRequest.item_id == item.id, SpeakingRequest.status == SpeakerStatus.SPEAKING
        )
    )
    if req is None:
        return None
    own, session = speaking_limits(item)
    return {
        "name": req.user.name,
        "title": req.user.title or "",
        "ministry": req.user.ministry or "",
        "office": office(req.user),
        "for_member": req.for_member.name if req.for_member else None,
        "since": req.floor_at.isoformat() if req.floor_at else None,
        "limit_seconds": own if own is not None else session,
    }


def _vote(poll: Poll) -> dict[str, Any]:
    return {
        "poll_id": poll.id,
        "question": poll.question,
        "motion_label": poll.motion.label if poll.motion else None,
        "kind": str(poll.kind),
        "voted": voted_count(poll),
        "eligible": poll.present,
    }


def _last_result(meeting: Meeting, item: AgendaItem | None) -> dict[str, Any] | None:
    """The last closed vote of the current item, as counts."""
    if item is None:
        return None
    poll = db.session.scalar(
        select(Poll)
        .where(
            Poll.meeting_id == meeting.id,
            Poll.item_id == item.id,
            Poll.state == PollState.CLOSED,
        )
        .order_by(Poll.closed_at.desc(), Poll.id.desc())
        .limit(1)
    )
    if poll is None or poll.result is None:
        return None
    result = {key: getattr(poll.result, key) for key in _RESULT_KEYS}
    result["eligible"] = poll.result.eligible_count
    return {**_vote(poll), "result": result}


def display_state(meeting: Meeting) -> dict[str, Any]:
    """The room screen's whole state for `meeting` (it is redrawn from each one)."""
    # Before the opening and after the closing the screen says so and shows nothing else.
    current = current_item_state(meeting) if meeting.in_session else None
    session = live_session(meeting)
    item = session.current_item if session is not None and current is not None else None
    now: dict[str, Any] | None = None
    if current is not None and item is not None:
        public = _public(item)
        now = {
            "number": current["number"],
            "title": item.title if public else None,
            "ministry": (item.ministry or "") if public else "",
            "restricted": not public,
            "planned_minutes": current["planned_minutes"],
            "elapsed_seconds": current["elapsed_seconds"],
            "running_since": current["running_since"].isoformat()
            if current["running_since"]
            else None,
            "speaker": _speaker(item) if public else None,
        }
    poll = open_poll_of(meeting) if meeting.in_session else None
    vote = _vote(poll) if poll is not None and _public(poll.item) else None
    last = (
        None
        if poll is not None
        else _last_result(meeting, item if item and _public(item) else None)
    )
    return {
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "number": meeting.number or "",
            "place": meeting.place or "",
            "state": str(meeting.state),
            "suspended": meeting.is_suspended,  # the screen says "Tạm dừng"
        },
        "current": now,
        "quorum": quorum_status(meeting).as_dict(),
        "vote": vote,
        "last_result": last,
        "server_now": utcnow().isoformat(),
    }
