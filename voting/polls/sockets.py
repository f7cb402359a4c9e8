"""Vote socket events: the chair opens and closes, members cast (acked after the commit).

Each handler loads and checks access first (`voting.polls.access`), then calls one service;
`socket_event` commits (retrying SQLite's busy snapshot) before the ack goes out.
"""

from __future__ import annotations

from typing import Any

from cabinet.realtime import socket_event
from cabinet.users import current_person
from voting.polls.access import load_motion_of, load_poll, load_vote_subject
from voting.polls.announce import poll_payload, progress_payload
from voting.polls.casting import cast_vote, refuse_plain_secret
from voting.polls.counting import tally_poll
from voting.polls.lifecycle import close_poll, open_poll
from voting.polls.models import PollKind
from voting.polls.schemas import CastSchema, OpenPollSchema, PollRefSchema, PollResultSchema

_RESULT = PollResultSchema()


def register_sockets() -> None:
    """Declare the vote events on the Socket.IO server."""

    @socket_event("vote.open", schema=OpenPollSchema)
    def open_vote(data: dict[str, Any]) -> dict[str, Any]:
        """The chair opens a vote (refused without a quorum, with the numbers)."""
        meeting, item = load_vote_subject(data["meeting_id"], data["item_id"])
        poll = open_poll(
            meeting,
            current_person(),
            item=item,
            question=data["question"],
            kind=PollKind(data["kind"]),
            motion=load_motion_of(item, data["motion_id"]),
        )
        return {"poll": poll_payload(poll)}

    @socket_event("vote.cast", schema=CastSchema, batched=True, savepoint=False)
    def cast(data: dict[str, Any]) -> dict[str, Any]:
        """A member casts; acked with a receipt only once the cast is committed (casts that
        arrive together share one commit: `cabinet.group_commit`). Every refusal comes before
        the cast writes (`casting.cast_vote`), so a cast needs no savepoint in its batch."""
        poll = load_poll(data["poll_id"], need="vote")
        refuse_plain_secret(poll, data)
        receipt = cast_vote(
            poll, current_person(), data["choice"], data["client_id"], data["ciphertext"]
        )
        return {"receipt": receipt.as_dict(), "duplicate": receipt.duplicate}

    @socket_event("vote.close", schema=PollRefSchema)
    def close_vote(data: dict[str, Any]) -> dict[str, Any]:
        """The chair closes the vote: the result is computed, stored and announced."""
        poll = load_poll(data["poll_id"], need="chair")
        return {"result": _RESULT.dump(close_poll(poll, current_person()))}

    @socket_event("vote.tally", schema=PollRefSchema)
    def tally(data: dict[str, Any]) -> dict[str, Any]:
        """The chair's console: the outcome if the vote closed now (open votes); a secret vote
        shows nobody a running tally, only how many have voted."""
        poll = load_poll(data["poll_id"], need="chair")
        if poll.is_secret:
            return {"tally": None, **progress_payload(poll)}
        return {"tally": tally_poll(poll).as_dict(), **progress_payload(poll)}
