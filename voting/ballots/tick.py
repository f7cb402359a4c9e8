"""The ballots' scheduled jobs, run by the core's tick (`cabinet.tick`): close the ballots
whose deadline has passed, and queue the automatic reminders that are due.

Both are idempotent: a second run, a concurrent one or a run after a restart sends nothing
twice (see `notices`); the core runs each job in its own unit of work and delivers the mail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from cabinet.db import db
from cabinet.tick import register_job
from voting.ballots.models import Ballot, BallotStatus
from voting.ballots.notices import queue_due_reminders
from voting.ballots.services import close_ballot


def close_due_ballots(now: datetime) -> str:
    """Close every sent ballot whose deadline has passed."""
    ballots = db.session.scalars(
        select(Ballot).where(Ballot.status == BallotStatus.SENT, Ballot.deadline <= now)
    ).all()
    for ballot in ballots:
        close_ballot(ballot, by=None, now=now)
    return f"closed {len(ballots)} ballot(s)"


def send_due_reminders(now: datetime) -> str:
    """Queue the automatic reminders due now to members who have not submitted."""
    return f"queued {queue_due_reminders(now)} reminder(s)"


def register_jobs() -> None:
    """Add the ballots' jobs to the tick (deadlines first; mail delivery runs after both)."""
    register_job("ballots.deadlines", close_due_ballots, order=20)
    register_job("ballots.reminders", send_due_reminders, order=30)
