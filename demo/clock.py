"""The demo's calendar: past steps are staged on the one clock (`cabinet.db.clock`).

Every service reads `cabinet.db.utcnow()`; setting the clock to the moment a step would have
happened makes its rows and audit entries carry that moment. Time keeps flowing from the moment
set, so consecutive events keep their order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cabinet.config import settings
from cabinet.db import Clock, clock


@contextmanager
def demo_clock() -> Iterator[Clock]:
    """The clock, to be set freely inside the block; back to the real time when it ends."""
    try:
        yield clock
    finally:
        clock.reset()


def local_zone() -> ZoneInfo:
    """The cabinet's time zone (Hà Nội by default)."""
    return ZoneInfo(settings().timezone)


def at(day: date, hhmm: str) -> datetime:
    """`day` at local `hh:mm`, as aware UTC."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone()).astimezone(UTC)


def weekday_on_or_before(day: date) -> date:
    """The day itself or the Friday before it when it falls on a weekend."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def weekday_on_or_after(day: date) -> date:
    """The day itself or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def report_month(session_day: date) -> tuple[int, int]:
    """The month a regular session reviews: sessions held early in a month review the last."""
    reviewed = session_day - timedelta(days=15)
    return reviewed.month, reviewed.year
