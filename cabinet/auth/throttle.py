"""Sign-in throttling: failures slow the next attempts, then refuse them for a while.

Counts live in the database (not process memory) so every worker sees the same numbers.
The scheme is OWASP's device cookies (see cabinet/auth/devices.py): from a browser without a
device cookie for the account, failures count against the account ("acct:", locking untrusted
clients only) and the address ("ip:"); from a known device they count against that device
("dev:") alone, so an outsider's guesses never lock the owner out of their own tablet.
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


def _device_key(device: str) -> str:
    return f"dev:{device}"


def _failures(key: str, since: datetime) -> tuple[int, datetime | None]:
    count, last = db.session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(
            LoginFailure.key == key, LoginFailure.at >= since
        )
    ).one()
    return count or 0, as_utc(last)


def state_for(
    email: str,
    ip: str | None,
    config: Settings,
    now: datetime | None = None,
    *,
    device: str | None = None,
) -> ThrottleState:
    """The throttle state for this account and address (or this known device) in the window."""
    now = now or utcnow()
    window = timedelta(minutes=config.login_lock_minutes)
    if device is not None:
        return secret_state(_device_key(device), config, now)
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


def _device_state(device: str, config: Settings, now: datetime, window: timedelta) -> ThrottleState:
    failures, last = _failures(_device_key(device), now - window)
    locked_until = last + window if failures >= config.login_max_failures and last else None
    delay = 0.0
    if failures >= SLOWDOWN_AFTER:
        delay = min(config.login_slowdown_seconds * (failures - SLOWDOWN_AFTER + 1), 5.0)
    return ThrottleState(failures, locked_until, delay)


def note_failure(email: str, ip: str | None, *, device: str | None = None) -> None:
    """Count a failed attempt against the known device, or else the account and the address."""
    keys = (_device_key(device),) if device is not None else _keys(email, ip)
    for key in keys:
        db.session.add(LoginFailure(key=key))
    db.session.flush()


def clear_account(email: str, *, device: str | None = None) -> None:
    """A successful sign-in forgets the account's (and device's) failures, not the address's."""
    acct_key, _ = _keys(email, None)
    keys = [acct_key] + ([_device_key(device)] if device is not None else [])
    db.session.execute(delete(LoginFailure).where(LoginFailure.key.in_(keys)))


def prune(before: datetime) -> int:
    """Drop failures older than `before` (the tick passes the start of the lock window)."""
    result = db.session.execute(delete(LoginFailure).where(LoginFailure.at < before))
    return result.rowcount or 0


# Secrets other than the password (the signing passphrase, a token PIN) are throttled the same
# way, keyed by the person ("sign:<user id>"): a stolen session must not allow unlimited guesses.


def secret_state(key: str, config: Settings, now: datetime | None = None) -> ThrottleState:
    """The throttle state of guesses at one person's secret (same limits as sign-in)."""
    now = now or utcnow()
    window = timedelta(minutes=config.login_lock_minutes)
    failures, last = _failures(key, now - window)
    locked_until = last + window if failures >= config.login_max_failures and last else None
    delay = 0.0
    if failures >= SLOWDOWN_AFTER:
        delay = min(config.login_slowdown_seconds * (failures - SLOWDOWN_AFTER + 1), 5.0)
    return ThrottleState(failures, locked_until, delay)


def note_secret_failure(key: str) -> None:
    """Count one wrong guess at a secret."""
    db.session.add(LoginFailure(key=key))
    db.session.flush()


def clear_secret(key: str) -> None:
    """The right secret forgets the earlier wrong guesses."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == key))
