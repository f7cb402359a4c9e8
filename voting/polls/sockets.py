"""Vote socket events: the chair opens and closes, members cast (acked after the commit)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from cabinet.db import get_or_404
from cabinet.errors import NotFound
from cabinet.realtime import socket_event
from meetings.models import AgendaItem, Meeting
from voting.polls import services
from voting.polls.models import Poll, PollKind
from voting.polls.schemas import CastSchema, OpenPollSchema, PollRefSchema


def register_sockets() -> None:
    """Declare the vote events on the Socket.IO server."""

    @socket_event("vote.open", schema=OpenPollSchema)
    def open_vote(data: dict[str, Any]) -> dict[str, Any]:
        """The chair opens a vote (refused without a quorum, with the numbers)."""
        meeting = get_or_404(Meeting, data["meeting_id"])
        item = None
        if data["item_id"] is not None:
            item = get_or_404(AgendaItem, data["item_id"])
            if item.meeting_id != meeting.id:
                raise NotFound()
        poll = services.open_poll(
            meeting,
            current_user._get_current_object(),
            item=item,
            question=data["question"],
            kind=PollKind(data["kind"]),
        )
        return {"poll": services.poll_payload(poll)}

    @socket_event("vote.cast", schema=CastSchema)
    def cast(data: dict[str, Any]) -> dict[str, Any]:
        """A member casts; acked with a receipt only once the cast is committed."""
        receipt = services.cast_vote_committed(
            data["poll_id"], current_user._get_current_object(), data["choice"], data["client_id"]
        )
        return {"receipt": receipt.as_dict(), "duplicate": receipt.duplicate}

    @socket_event("vote.close", schema=PollRefSchema)
    def close_vote(data: dict[str, Any]) -> dict[str, Any]:
        """The chair closes the vote: the result is computed, stored and announced."""
        poll = get_or_404(Poll, data["poll_id"])
        result = services.close_poll(poll, current_user._get_current_object())
        return {"result": result.as_dict()}

    @socket_event("vote.tally", schema=PollRefSchema)
    def tally(data: dict[str, Any]) -> dict[str, Any]:
        """The chair's console: the outcome if the vote closed now (open votes and counts)."""
        poll = get_or_404(Poll, data["poll_id"])
        user = current_user._get_current_object()
        if not poll.meeting.can_chair(user):
            from cabinet.errors import Forbidden

            raise Forbidden()
        return {"tally": services.live_tally(poll).as_dict(), **services.progress_payload(poll)}
