"""What tablets are told about a vote, and to whom: payloads and the rooms that may read them."""

from __future__ import annotations

from typing import Any

from cabinet.realtime import emit_after_commit, emit_now, meeting_room, user_room
from meetings.live import services as live
from voting.polls.models import Poll
from voting.polls.schemas import PollSchema, ProgressSchema

_FULL = PollSchema()
# The broadcast to every tablet carries the counts only (a few hundred bytes instead of tens
# of kB); the names are one API call away (`GET /api/v1/polls/<id>`) and in the minutes.
_COUNTS_ONLY = PollSchema(exclude=("result.entitled", "result.choices"))
_PROGRESS = ProgressSchema()


def poll_payload(poll: Poll, *, names: bool = True) -> dict[str, Any]:
    """A poll as tablets show it (never who chose what in a secret vote); `names=False`
    leaves out the entitled list and the open vote's names."""
    return (_FULL if names else _COUNTS_ONLY).dump(poll)


def progress_payload(poll: Poll) -> dict[str, Any]:
    """ "N of M have voted" (M: the members present when the vote opened)."""
    return _PROGRESS.dump(poll)


def rooms_of(poll: Poll) -> list[str]:
    """Everyone who may read the poll's item: the meeting room, or named people if restricted."""
    if poll.item is not None and poll.item.restricted:
        return [user_room(uid) for uid in sorted(live.readers_of(poll.item))]
    return [meeting_room(poll.meeting_id)]


def announce(poll: Poll, event: str, payload: dict[str, Any]) -> None:
    """Send a poll event, once committed, to everyone who may read its item."""
    payload = {"meeting_id": poll.meeting_id, **payload}
    for room in rooms_of(poll):
        emit_after_commit(event, payload, room=room)


def announce_now(poll: Poll, event: str, payload: dict[str, Any]) -> None:
    """Send a poll event now (for data already committed, like the coalesced progress)."""
    for room in rooms_of(poll):
        emit_now(event, payload, room=room)
