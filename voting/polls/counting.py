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
from voting.polls.access import eligible_voters
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


def polls_of(meeting: Meeting) -> list[Poll]:
    """Every vote of the session, in the order opened."""
    return list(
        db.session.scalars(
            select(Poll).where(Poll.meeting_id == meeting.id).order_by(Poll.opened_at, Poll.id)
        )
    )


def current_open_choices(poll: Poll) -> dict[int, Row[Any]]:
    """The last cast of each voter in an open vote, as rows (`voter_id`, `choice`,
    `client_id`, `cast_at`): a close reads 500 of them, and builds no object for them."""
    latest = (
        select(func.max(OpenCast.id))
        .where(OpenCast.poll_id == poll.id)
        .group_by(OpenCast.voter_id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(OpenCast.voter_id, OpenCast.choice, OpenCast.client_id, OpenCast.cast_at).where(
            OpenCast.id.in_(latest)
        )
    )
    return {row.voter_id: row for row in rows}


def own_open_cast(poll: Poll, user_id: int) -> OpenCast | None:
    """One voter's last cast in an open vote (a tablet's join: one row, not the room's)."""
    return db.session.scalar(
        select(OpenCast)
        .where(OpenCast.poll_id == poll.id, OpenCast.voter_id == user_id)
        .order_by(OpenCast.id.desc())
        .limit(1)
    )


def cast_choices(poll: Poll, casts: dict[int, Row[Any]] | None = None) -> list[Choice]:
    """The choices that count, without voters (`casts`: the open vote's, read already)."""
    if poll.is_secret:
        return list(
            db.session.scalars(select(SecretBallot.choice).where(SecretBallot.poll_id == poll.id))
        )
    if casts is None:
        casts = current_open_choices(poll)
    return [Choice(row.choice) for row in casts.values()]


def published_ballots(poll_id: int) -> list[list[str]]:
    """A closed secret vote's published list: [token, choice] pairs, ordered by token."""
    rows = db.session.execute(
        select(SecretBallot.token, SecretBallot.choice).where(SecretBallot.poll_id == poll_id)
    )
    return sorted([str(token), str(choice)] for token, choice in rows)


def voted_count(poll: Poll) -> int:
    """How many entitled members have voted."""
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


def tally_poll(
    poll: Poll, casts: dict[int, Row[Any]] | None = None, *, eligible: int | None = None
) -> Outcome:
    """The outcome if the vote closed now: the chair's live tally and the stored result
    (`casts`: the open vote's `current_open_choices`, `eligible`: how many may vote, when the
    caller read them already)."""
    if eligible is None:
        eligible = len(eligible_voters(poll))  # read once per vote and process
    chair_choice = None
    if not poll.is_secret:
        casts = current_open_choices(poll) if casts is None else casts
        chair_cast = casts.get(poll.chair_id) if poll.chair_id is not None else None
        chair_choice = Choice(chair_cast.choice) if chair_cast else None
    return tally(
        cast_choices(poll, casts),
        Rule.from_dict(poll.rule),
        all_members=poll.all_members,
        present=poll.present,
        eligible=eligible,
        chair_choice=chair_choice,
        secret=poll.is_secret,
    )
