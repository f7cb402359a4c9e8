"""Sign-in throttling: failures slow the next attempts, then refuse them for a while.

Counts live in the database (not process memory) so every worker sees the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from cabinet.auth.models import LoginFailure
from cabinet.config import Settings
from cabinet.db import as_utc, db, utcnow

SLOWDOWN_AFTER = 3  # failures before each further attempt is delayed


@dataclass(frozen=True)
class ThrottleState:
    """How a sign-in attempt for an account/address stands."""

    failures: int
    locked_until: datetime | None
    delay_seconds: float

    @property
    def locked(self) -> bool:
        return self.locked_until is not None

    def minutes_left(self, now: datetime) -> int:
        """Whole minutes until the lock ends (at least 1)."""
        assert self.locked_until is not None
        return max(1, int((self.locked_until - now).total_seconds() // 60) + 1)


def _keys(email: str, ip: str | None) -> tuple[str, str]:
    return f"acct:{email.strip().lower()}", f"ip:{ip or 'unknown'}"


def _failures(key: str, since: datetime) -> tuple[int, datetime | None]:
    count, last = db.session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(
            LoginFailure.key == key, LoginFailure.at >= since
        )
    ).one()
    return count or 0, as_utc(last)


def state_for(
    email: str, ip: str | None, config: Settings, now: datetime | None = None
) -> ThrottleState:
    """The throttle state for this account and address within the lock window."""
    now = now or utcnow()
    window = timedelta(minutes=config.login_lock_minutes)
    acct_key, ip_key = _keys(email, ip)
    acct_failures, acct_last = _failures(acct_key, now - window)
    ip_failures, ip_last = _failures(ip_key, now - window)
    locked_until = None
    if acct_failures >= config.login_max_failures and acct_last:
        locked_until = acct_last + window
    if ip_failures >= config.login_ip_max_failures and ip_last:
        locked_until = max(filter(None, (locked_until, ip_last + window)))
    worst = max(
        acct_failures, ip_failures * config.login_max_failures // config.login_ip_max_failures
    )
    delay = 0.0
    if worst >= SLOWDOWN_AFTER:
        delay = min(config.login_slowdown_seconds * (worst - SLOWDOWN_AFTER + 1), 5.0)
    return ThrottleState(acct_failures, locked_until, delay)


def note_failure(email: str, ip: str | None) -> None:
    """Count a failed attempt against the account and the address."""
    for key in _keys(email, ip):
        db.session.add(LoginFailure(key=key))
    db.session.flush()


def clear_account(email: str) -> None:
    """A successful sign-in forgets the account's failures (the address keeps its count)."""
    acct_key, _ = _keys(email, None)
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == acct_key))


def prune(before: datetime) -> int:
    """Drop failures older than `before` (the tick passes the start of the lock window)."""
    result = db.session.execute(delete(LoginFailure).where(LoginFailure.at < before))
    return result.rowcount or 0
