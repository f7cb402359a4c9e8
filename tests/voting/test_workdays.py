from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from voting.workdays import (
    add_working_days,
    holidays_for_years,
    is_working_day,
    next_working_day,
    vietnam_fixed_holidays,
    working_days_between,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# 2025: 30/4 is a Wednesday, 1/5 a Thursday; 1/9 a Monday, 2/9 a Tuesday.
HOLIDAYS = vietnam_fixed_holidays(2025)


def local(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=HCM)


def deadline(y, m, d):
    return datetime(y, m, d, 17, 0, tzinfo=HCM).astimezone(UTC)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Monday + 5: Tue..Fri, Mon.
        (local(2025, 3, 3), 5, deadline(2025, 3, 10)),
        # Friday + 1 crosses the weekend.
        (local(2025, 3, 7), 1, deadline(2025, 3, 10)),
        # Thursday + 5 crosses one weekend.
        (local(2025, 3, 6), 5, deadline(2025, 3, 13)),
        # Saturday: Monday is the first counted day.
        (local(2025, 3, 8), 5, deadline(2025, 3, 14)),
        # Sunday late evening: same as Saturday.
        (local(2025, 3, 9, 23, 30), 5, deadline(2025, 3, 14)),
        # Monday 28/4 + 5: Tue 29, (30/4, 1/5 holidays), Fri 2, Mon 5, Tue 6, Wed 7.
        (local(2025, 4, 28), 5, deadline(2025, 5, 7)),
        # Sent on the holiday itself (30/4): Fri 2/5 is the first counted day.
        (local(2025, 4, 30), 1, deadline(2025, 5, 2)),
        # National Day bridge: Fri 29/8 + 1 skips Sat, Sun, 1/9 and 2/9.
        (local(2025, 8, 29), 1, deadline(2025, 9, 3)),
        # Zero days on a working day: the end of that day.
        (local(2025, 3, 4), 0, deadline(2025, 3, 4)),
        # Zero days on a Saturday: the end of Monday.
        (local(2025, 3, 8), 0, deadline(2025, 3, 10)),
    ],
)
def test_add_working_days_across_weekends_and_holidays(start, days, expected):
    result = add_working_days(start, days, holidays=HOLIDAYS)
    assert result == expected
    assert result.tzinfo is UTC
    # The inverse: the number of working days from start to the deadline is what we asked.
    if days:
        assert working_days_between(start, result, holidays=HOLIDAYS) == days


def test_utc_start_is_read_in_local_time():
    # 18:00 UTC on Friday is 01:00 on Saturday in Hà Nội: counting starts on Monday.
    start = datetime(2025, 3, 7, 18, 0, tzinfo=UTC)
    assert add_working_days(start, 1, holidays=HOLIDAYS) == deadline(2025, 3, 10)
    # The same instant seen from UTC would be Friday, giving Monday + 0: it is not used.
    assert add_working_days(start, 1, holidays=HOLIDAYS, tz="UTC") == datetime(
        2025, 3, 10, 17, 0, tzinfo=UTC
    )


def test_end_of_day_is_configurable_and_result_is_utc():
    result = add_working_days(local(2025, 3, 3), 1, end_of_day=time(23, 59))
    assert result == datetime(2025, 3, 4, 16, 59, tzinfo=UTC)


def test_tet_from_configuration_is_skipped():
    # Tết 2025 (lunar): 25/1 to 2/2 off; from config, not computed.
    tet = frozenset(date(2025, 1, 25) + timedelta(days=i) for i in range(9))
    holidays = HOLIDAYS | tet
    # Friday 24/1 + 1 -> Monday 3/2.
    assert add_working_days(local(2025, 1, 24), 1, holidays=holidays) == deadline(2025, 2, 3)


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="naive"):
        add_working_days(datetime(2025, 3, 3, 9, 0), 5)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(local(2025, 3, 3), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 3, 3), date(2025, 3, 3), 0),
        (date(2025, 3, 3), date(2025, 3, 10), 5),
        (date(2025, 3, 8), date(2025, 3, 9), 0),  # a weekend
        (date(2025, 4, 28), date(2025, 5, 7), 5),  # two holidays inside
        (date(2025, 3, 10), date(2025, 3, 3), -5),  # overdue
        (date(2025, 1, 1), date(2025, 12, 31), 261 - len([d for d in HOLIDAYS if d.weekday() < 5])),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end, holidays=HOLIDAYS) == expected


def test_working_days_between_matches_a_day_by_day_count():
    start = date(2024, 12, 20)
    holidays = holidays_for_years([2024, 2025])
    for offset in range(0, 70):
        end = start + timedelta(days=offset)
        walk = sum(
            1 for i in range(1, offset + 1) if is_working_day(start + timedelta(days=i), holidays)
        )
        assert working_days_between(start, end, holidays=holidays) == walk


@pytest.mark.parametrize(
    ("bridge", "extra"),
    [("before", date(2026, 9, 1)), ("after", date(2026, 9, 3)), (None, None)],
)
def test_vietnam_fixed_holidays(bridge, extra):
    days = vietnam_fixed_holidays(2026, national_day_bridge=bridge)
    base = {date(2026, 1, 1), date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 2)}
    assert days == frozenset(base | ({extra} if extra else set()))


def test_holidays_for_years_joins_configured_days():
    tet = {date(2026, 2, 16), date(2026, 2, 17)}
    days = holidays_for_years([2025, 2026], tet)
    assert tet <= days
    assert date(2025, 4, 30) in days and date(2026, 4, 30) in days


def test_next_working_day_refuses_an_all_holiday_calendar():
    everything = frozenset(date(2025, 1, 1) + timedelta(days=i) for i in range(4000))
    with pytest.raises(ValueError):
        next_working_day(date(2025, 1, 1), everything)
