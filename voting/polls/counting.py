"""Reading a session's votes and counting them: the one place a poll is tallied.

The chair's live tally and the closing result both call `tally_poll`, with the same inputs,
and `tally_poll` calls `voting.rules.tally` like every other decision of the cabinet.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Row, bindparam, func, null, select

from cabinet.db import db
from cabinet.users.services import in_protocol_order
from meetings.models import Meeting
from voting.polls.models import (
    OpenCast,
    Poll,
    PollEligible,
    PollState,
    SecretBallot,
    SecretVoter,
)
from voting.rules import Choice, Outcome, Rule, tally


def open_poll_of(meeting: Meeting) -> Poll | None:
    """The vote currently open in the session, if any."""
    return db.session.scalar(
        select(Poll).where(Poll.meeting_id == meeting.id, Poll.state == PollState.OPEN)
    )


def open_poll_id(meeting: Meeting) -> int | None:
    """The id of the vote currently open in the session, if any."""
    return db.session.scalar(
        select(Poll.id).where(Poll.meeting_id == meeting.id, Poll.state == PollState.OPEN)
    )


def polls_of(meeting: Meeting) -> list[Poll]:
    """Every vote of the session, in the order opened."""
    return list(
        db.session.scalars(
            select(Poll).where(Poll.meeting_id == meeting.id).order_by(Poll.opened_at, Poll.id)
        )
    )


def own_open_cast(poll: Poll, user_id: int) -> OpenCast | None:
    """One voter's last cast in an open vote (a tablet's join: one row, not the room's)."""
    return db.session.scalar(
        select(OpenCast)
        .where(OpenCast.poll_id == poll.id, OpenCast.voter_id == user_id)
        .order_by(OpenCast.id.desc())
        .limit(1)
    )


def cast_choices(poll: Poll, voters: list[Row[Any]] | None = None) -> list[Choice]:
    """The choices that count, without voters (`voters`: the vote's `roll_call`, read already)."""
    if poll.is_secret:
        return list(
            db.session.scalars(select(SecretBallot.choice).where(SecretBallot.poll_id == poll.id))
        )
    voters = roll_call(poll) if voters is None else voters
    return [choice for _, _, choice in voters if choice is not None]  # `Choice`s, as typed


def published_ballots(poll_id: int) -> list[list[str]]:
    """A closed secret vote's published list: [token, choice] pairs, ordered by token."""
    rows = db.session.execute(
        select(SecretBallot.token, SecretBallot.choice).where(SecretBallot.poll_id == poll_id)
    )
    return sorted([str(token), str(choice)] for token, choice in rows)


def voted_count(poll: Poll) -> int:
    """How many entitled members have voted: an open vote's stored result says it (only the
    entitled cast, and its roll call counted each voter's cast once), else the casts do."""
    result = poll.__dict__.get("result")  # never loaded for this
    if result is not None and not poll.is_secret:
        return int(result.eligible_count - result.not_voted)
    if poll.is_secret:
        stmt = select(func.count()).where(SecretVoter.poll_id == poll.id)
    else:
        stmt = select(func.count(func.distinct(OpenCast.voter_id))).where(
            OpenCast.poll_id == poll.id
        )
    return db.session.scalar(stmt) or 0


def roll_call(poll: Poll) -> list[Row[Any]]:
    """The vote's entitled voters in protocol order, as (`user_id`, `name`, `choice`) rows:
    the choice that counts (an open vote's last cast), None for who did not vote and for
    everyone in a secret vote. One statement and no object per voter: the close reads it
    once to count, to name and to rank 500 voters."""
    return list(db.session.execute(_roll_call(poll.is_secret), {"poll_id": poll.id}))


@functools.cache
def _roll_call(secret: bool) -> Any:
    """The roll call's statement, built once per kind of vote (building it costs more than
    running it)."""
    poll_id = bindparam("poll_id")
    choice: Any = null()
    if not secret:
        # Correlated, one index lookup per voter (poll, voter): a join with the latest casts
        # grouped is planned as a nested loop over 500 × 500 rows while the statistics have
        # not seen the new vote's rows yet (30 ms on PostgreSQL, measured).
        choice = (
            select(OpenCast.choice)
            .where(OpenCast.poll_id == poll_id, OpenCast.voter_id == PollEligible.user_id)
            .order_by(OpenCast.id.desc())
            .limit(1)
            .scalar_subquery()
        )
    statement = select(PollEligible.user_id, PollEligible.name, choice.label("choice"))
    return in_protocol_order(statement.where(PollEligible.poll_id == poll_id), PollEligible.user_id)


def tally_poll(poll: Poll, voters: list[Row[Any]] | None = None) -> Outcome:
    """The outcome if the vote closed now: the chair's live tally and the stored result, both
    from the vote's roll call (`voters`: read already by the caller)."""
    voters = roll_call(poll) if voters is None else voters
    chair_choice = None
    if not poll.is_secret and poll.chair_id is not None:
        chair = next((row for row in voters if row.user_id == poll.chair_id), None)
        chair_choice = Choice(chair.choice) if chair is not None and chair.choice else None
    return tally(
        cast_choices(poll, voters),
        Rule.from_dict(poll.rule),
        all_members=poll.all_members,
        present=poll.present,
        eligible=len(voters),
        chair_choice=chair_choice,
        secret=poll.is_secret,
    )
