"""What votes add to the meetings package: the live snapshot, ended items, the session record,
and the refusal to close a session while a vote is open (filled into `meetings.hooks`)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from cabinet.db import db
from cabinet.errors import InvalidState
from cabinet.memo import BoundedMemo
from meetings import hooks
from meetings.agenda_facts import item_facts, item_readable_in
from meetings.live.revision import at_revision
from meetings.motions.models import Motion
from voting.polls.access import ineligibility
from voting.polls.announce import poll_payload
from voting.polls.casting import own_cast
from voting.polls.counting import open_poll_id, open_poll_of, polls_of
from voting.polls.models import Poll, PollKind, PollResult, PollState
from voting.polls.motions import register_motion_parts
from voting.polls.schemas import PollResultSchema

#: A result as the session record keeps it (its poll is given beside it).
_RECORDED_RESULT = PollResultSchema(exclude=("poll_id", "ballots", "signature", "verify_key"))


def live_vote(meeting: Any, user: Any) -> dict[str, Any]:
    """The open vote with this person's own cast, and the last result they may read."""
    vote = None
    # Nothing is read for a vote when none was open at this revision (most joins).
    open_id = at_revision(meeting, "open_poll", lambda: open_poll_id(meeting))
    poll = open_poll_of(meeting) if open_id is not None else None
    if poll is not None and _may_read_item(meeting, poll, user):
        vote = {
            "poll": poll_payload(poll, names=False),
            "can_vote": poll.can_vote(user),
            "not_eligible": ineligibility(meeting, poll, user),
            "my_cast": own_cast(poll, user),
        }
    return {"vote": vote, "last_result": last_result_payload(meeting, user)}


#: The newest closed votes looked at first for the last result a person may read.
_RECENT = 8
_NEWEST_CLOSED = (
    select(Poll.id, Poll.item_id, Poll.closed_at, Poll.motion_id)
    .join(PollResult, PollResult.poll_id == Poll.id)
    .where(Poll.meeting_id == bindparam("meeting_id"))
    .order_by(Poll.opened_at.desc(), Poll.id.desc())
)
_RECENT_CLOSED, _OLDER_CLOSED = _NEWEST_CLOSED.limit(_RECENT), _NEWEST_CLOSED.offset(_RECENT)
#: A closed vote's payload as every tablet that may read it gets it, shared by their joins.
#: The poll and its result are final at the close; what else it shows is in the key (the
#: item's title: its stamp) or read again (its motion's label: motions are renumbered).
_LAST_PAYLOADS: BoundedMemo[dict[str, Any]] = BoundedMemo(64)


def last_result_payload(meeting: Any, user: Any) -> dict[str, Any] | None:
    """The newest closed vote with a result this person may read, as tablets show it (counts,
    not the entitled and choices lists): a join costs the same after 0 or 100 votes, and the
    joins of a room build it once."""
    found = _last_readable(meeting, user)
    if found is None:
        return None
    poll_id, item_id, closed_at, motion_id = found
    item = item_facts(meeting, item_id) if item_id is not None else None
    key = (poll_id, closed_at, item.updated_at if item is not None else None)
    payload = _LAST_PAYLOADS.get_or_build(
        key, lambda: poll_payload(_closed_poll(poll_id), names=False)
    )
    if motion_id is not None:
        motion = db.session.get(Motion, motion_id)
        payload = {**payload, "motion_label": motion.label if motion is not None else None}
    return payload


def _last_readable(meeting: Any, user: Any) -> tuple[Any, ...] | None:
    """(id, item id, closed at, motion id) of the newest closed vote `user` may read; the
    newest few are read once per revision of the meeting (a close bumps it)."""
    recent = at_revision(meeting, "recent_results", lambda: _closed(meeting, _RECENT_CLOSED))
    for row in recent:
        if _readable(meeting, row, user):
            return row
    if len(recent) < _RECENT:
        return None
    older = _closed(meeting, _OLDER_CLOSED)
    return next((row for row in older if _readable(meeting, row, user)), None)


def _closed(meeting: Any, statement: Any) -> tuple[tuple[Any, ...], ...]:
    rows = db.session.connection().execute(statement, {"meeting_id": meeting.id})
    return tuple(tuple(row) for row in rows)


def _readable(meeting: Any, row: tuple[Any, ...], user: Any) -> bool:
    item_id = row[1]
    return item_id is None or item_readable_in(meeting, item_id, user)


def _closed_poll(poll_id: int) -> Poll:
    """A closed poll with its result's counts (not its entitled and choices lists)."""
    return db.session.scalars(
        select(Poll)
        .join(PollResult, PollResult.poll_id == Poll.id)
        .where(Poll.id == poll_id)
        .options(contains_eager(Poll.result).defer(PollResult.entitled).defer(PollResult.choices))
    ).one()


def _may_read_item(meeting: Any, poll: Poll, user: Any) -> bool:
    """A vote on no item is the meeting's; one on an item is for those who may read the item."""
    return poll.item_id is None or item_readable_in(meeting, poll.item_id, user)


def item_votes(meeting: Any, item: Any, user: Any) -> dict[str, Any] | None:
    """An ended item's closed votes: result, and names per choice for open votes only."""
    closed = db.session.scalars(
        select(Poll)
        .where(Poll.item_id == item.id, Poll.state == PollState.CLOSED)
        .order_by(Poll.opened_at, Poll.id)
    )
    votes = []
    for poll in closed:
        result = poll.result
        if result is None:
            continue
        names: dict[str, list[str]] = {}
        # Names only for open votes: a secret vote's result never links people to choices.
        if poll.kind == PollKind.OPEN and result.choices is not None:
            chosen = {c["user_id"]: c for c in result.choices}
            for choice in ("approve", "disapprove", "abstain"):
                names[choice] = [c["name"] for c in result.choices if c["choice"] == choice]
            names["not_voted"] = [e["name"] for e in result.entitled if e["user_id"] not in chosen]
        votes.append({"poll": poll, "result": result, "names": names})
    return {"votes": votes} if votes else None


def record_votes(meeting: Any) -> dict[str, Any]:
    """Every closed vote of the session for the minutes: counts, outcome, rule (names if open)."""
    votes = []
    for poll in polls_of(meeting):
        if poll.result is None:
            continue
        votes.append(
            {
                "poll_id": poll.id,
                "item_id": poll.item_id,
                "question": poll.question,
                "motion_id": poll.motion_id,
                "motion_label": poll.motion.label if poll.motion else None,
                "kind": str(poll.kind),
                "opened_at": poll.opened_at.isoformat(),
                "closed_at": poll.closed_at.isoformat() if poll.closed_at else None,
                **_RECORDED_RESULT.dump(poll.result),
            }
        )
    return {"votes": votes}


def refuse_close_while_voting(meeting: Any) -> None:
    """A session does not close while one of its votes is open."""
    if open_poll_of(meeting) is not None:
        raise InvalidState(_l("Hãy kết thúc biểu quyết đang mở trước khi bế mạc."))


def refuse_suspend_while_voting(meeting: Any) -> None:
    """A session is not suspended with a vote left open."""
    if open_poll_of(meeting) is not None:
        raise InvalidState(
            _l("Đang có biểu quyết chưa kết thúc: hãy kết thúc biểu quyết trước khi tạm dừng.")
        )


def register_parts() -> None:
    """Fill the meetings package's hooks."""
    hooks.live_parts.register("vote", live_vote)
    hooks.item_page_parts.register("votes", item_votes)
    hooks.record_parts.register("votes", record_votes)
    hooks.close_guards.register("open_vote", refuse_close_while_voting)
    hooks.suspend_guards.register("open_vote", refuse_suspend_while_voting)
    register_motion_parts()
