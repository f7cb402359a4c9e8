"""What votes add to prepared motions (filled into `meetings.hooks`): a motion voted on is
locked, and an item's motions show the vote opened on each and its result."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.db import db
from cabinet.errors import InvalidState
from meetings import hooks
from voting.polls.models import Poll, PollResult


class MotionVoted(InvalidState):
    """A motion a vote was opened on is part of the record: it no longer changes."""

    code = "motion.voted"
    default_message = _l("Đã biểu quyết về dự thảo này; không thể sửa hay xóa.")


def refuse_voted_motion(motion: Any) -> None:
    """A motion that a vote was opened on keeps its wording for the record."""
    if db.session.scalar(select(Poll.id).where(Poll.motion_id == motion.id).limit(1)):
        raise MotionVoted(motion_id=motion.id)


def motion_votes(item: Any) -> dict[str, Any]:
    """{motion_id: the last vote opened on it (poll id, state, outcome)} for `item`."""
    rows = db.session.execute(
        select(Poll.motion_id, Poll.id, Poll.state, PollResult.passed)
        .outerjoin(PollResult, PollResult.poll_id == Poll.id)
        .where(Poll.item_id == item.id, Poll.motion_id.is_not(None))
        .order_by(Poll.opened_at, Poll.id)
    )
    votes: dict[int, dict[str, Any]] = {}
    for motion_id, poll_id, state, passed in rows:
        votes[motion_id] = {"poll_id": poll_id, "state": str(state), "passed": passed}
    return {"votes": votes}


def register_motion_parts() -> None:
    """Fill the motion hooks of the meetings package."""
    hooks.motion_guards.register("voted", refuse_voted_motion)
    hooks.motion_parts.register("votes", motion_votes)
