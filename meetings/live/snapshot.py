"""The "live" part of the `meeting.join` state: everything a reconnecting tablet needs."""

from __future__ import annotations

from typing import Any

from meetings.live import services
from voting.polls import services as polls


def live_part(meeting: Any, user: Any) -> dict[str, Any]:
    """Current item and timer, speakers' list, quorum, own attendance, open vote + own cast."""
    data = services.live_snapshot(meeting, user)
    vote = None
    poll = polls.open_poll_of(meeting)
    if poll is not None and (poll.item is None or poll.item.can_read(user)):
        vote = {
            "poll": polls.poll_payload(poll, names=False),
            "can_vote": poll.can_vote(user),
            "not_eligible": polls.ineligibility(meeting, poll, user),
            "my_cast": polls.own_cast(poll, user),
        }
    data["vote"] = vote
    closed = [p for p in polls.polls_of(meeting) if p.result is not None]
    readable = [p for p in closed if p.item is None or p.item.can_read(user)]
    data["last_result"] = polls.poll_payload(readable[-1], names=False) if readable else None
    return data
