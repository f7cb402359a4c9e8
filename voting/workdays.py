"""Working-day arithmetic for reply deadlines (pure: no Flask, no database).

Counting follows the Vietnamese Civil Code (art. 147): a period given in days starts on the day
*after* the event. So "5 working days from Monday" ends on the following Monday, and a ballot sent
on a Saturday (or Sunday, or a holiday) has the next working day as its first day. The deadline is
``end_of_day`` local time on the last counted day, returned as an aware UTC datetime.

Tết and the Hùng Kings' day follow the lunar calendar and the yearly government decision on
bridging days, so they come from the configuration; :func:`vietnam_fixed_holidays` only gives the
solar-calendar days fixed by the Labour Code 2019 (art. 112).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
DEFAULT_END_OF_DAY = time(17, 0)

# A bound on the day-by-day walk: a holiday list covering everything would otherwise loop forever.
_MAX_CALENDAR_DAYS = 3660


def is_working_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    """True when ``day`` is Monday to Friday and not a public holiday."""
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: date, holidays: frozenset[date] = frozenset()) -> date:
    """The first working day strictly after ``day``."""
    for _ in range(_MAX_CALENDAR_DAYS):
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            return day
    raise ValueError("no working day within ten years: check the holiday list")


def _local_date(moment: datetime | date, tz: ZoneInfo) -> date:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime (UTC or local)")
        return moment.astimezone(tz).date()
    return moment


def add_working_days(
    start: datetime,
    days: int,
    *,
    holidays: frozenset[date] = frozenset(),
    tz: str = DEFAULT_TZ,
    end_of_day: time = DEFAULT_END_OF_DAY,
) -> datetime:
    """The deadline ``days`` working days after ``start``: ``end_of_day`` local, as aware UTC."""
    if days < 0:
        raise ValueError("days must be zero or positive")
    zone = ZoneInfo(tz)
    day = _local_date(start, zone)
    if days == 0:
        # "Today": the end of the start day, or of the next working day when it is a day off.
        if not is_working_day(day, holidays):
            day = next_working_day(day, holidays)
    else:
        for _ in range(days):
            day = next_working_day(day, holidays)
    return datetime.combine(day, end_of_day, tzinfo=zone).astimezone(UTC)


def working_days_between(
    start: datetime | date,
    end: datetime | date,
    *,
    holidays: frozenset[date] = frozenset(),
    tz: str = DEFAULT_TZ,
) -> int:
    """Working days ``d`` with ``start < d <= end`` (local dates); negative when ``end`` is before.

    The inverse of :func:`add_working_days`: ``working_days_between(s, add_working_days(s, n)) == n``.
    Used for "3 working days left" on a ballot.
    """
    zone = ZoneInfo(tz)
    first, last = _local_date(start, zone), _local_date(end, zone)
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    span = (last - first).days
    full_weeks, rest = divmod(span, 7)
    count = full_weeks * 5
    day = first + timedelta(days=full_weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    count -= sum(1 for h in holidays if first < h <= last and h.weekday() < 5)
    return sign * count


def vietnam_fixed_holidays(
    year: int, *, national_day_bridge: Literal["before", "after"] | None = "before"
) -> frozenset[date]:
    """Vietnam's solar-calendar public holidays of ``year`` (Labour Code 2019, art. 112).

    New Year (1/1), Reunification Day (30/4), Labour Day (1/5) and National Day (2/9) plus its
    bridging day, 1/9 ("before") or 3/9 ("after"), decided each year. Tết, the Hùng Kings'
    commemoration and compensatory days off must be added from the configuration.
    """
    days = {date(year, 1, 1), date(year, 4, 30), date(year, 5, 1), date(year, 9, 2)}
    if national_day_bridge == "before":
        days.add(date(year, 9, 1))
    elif national_day_bridge == "after":
        days.add(date(year, 9, 3))
    elif national_day_bridge is not None:
        raise ValueError("national_day_bridge must be 'before', 'after' or None")
    return frozenset(days)


def holidays_for_years(
    years: Iterable[int],
    extra: Iterable[date] = (),
    *,
    national_day_bridge: Literal["before", "after"] | None = "before",
) -> frozenset[date]:
    """The fixed holidays of several years joined with configured extra days (Tết, bridges)."""
    days: set[date] = set(extra)
    for year in years:
        days |= vietnam_fixed_holidays(year, national_day_bridge=national_day_bridge)
    return frozenset(days)
