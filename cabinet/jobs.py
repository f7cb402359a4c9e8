"""The core's scheduled jobs: deliver the mail outbox, forget old sign-in failures and old
session records.

Each returns the short report `flask --app app cabinet tick` prints ("sent 2 e-mail(s), 0
waiting"), or None when there is nothing worth saying.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cabinet.auth import throttle
from cabinet.auth.sessions import prune_sessions
from cabinet.config import settings
from cabinet.mail import count_waiting, deliver_outbox
from cabinet.tick import register_job

#: Mail goes out after every other job, so what they queued leaves in the same tick.
MAIL_ORDER = 90
#: Housekeeping first: it touches no row another job reads.
PRUNE_ORDER = 10
#: How long an ended (expired or revoked) session record is kept: "who was signed in from where,
#: until when" stays answerable for a month, then the row goes.
SESSION_RECORDS_KEPT = timedelta(days=30)


def deliver_mail(now: datetime) -> str:
    """Send what the outbox holds; report what was sent and what still waits.

    Delivery runs on the clock, not on the tick's moment: a tick run for a chosen moment (a
    catch-up, a test) must not judge mail queued just now as expired or not yet due.
    """
    sent = deliver_outbox()
    return f"sent {sent} e-mail(s), {count_waiting()} waiting"


def prune_login_failures(now: datetime) -> str | None:
    """Delete sign-in failures older than the lock window (the throttle no longer counts them)."""
    pruned = throttle.prune(now - timedelta(minutes=settings().login_lock_minutes))
    return f"pruned {pruned} sign-in failure(s)" if pruned else None


def prune_session_records(now: datetime) -> str | None:
    """Delete session records that ended (expired or revoked) more than a month ago."""
    pruned = prune_sessions(now - SESSION_RECORDS_KEPT)
    return f"pruned {pruned} ended session record(s)" if pruned else None


def register_core_jobs() -> None:
    """Put the core's jobs on the tick."""
    register_job("auth.prune_failures", prune_login_failures, order=PRUNE_ORDER)
    register_job("auth.prune_sessions", prune_session_records, order=PRUNE_ORDER)
    register_job("mail.deliver", deliver_mail, order=MAIL_ORDER)
