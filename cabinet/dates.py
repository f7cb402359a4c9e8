"""Dates and times as the cabinet writes them: local time, Decree 30/2020 forms, short forms.

Every stored time is aware UTC; everything shown is in the configured time zone
(`ECABINET_TIMEZONE`, Hà Nội by default). Decree 30/2020 writes a day below 10 and the months
January and February with a leading zero ("ngày 05 tháng 02 năm 2026", "ngày 15 tháng 3").
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import get_locale

from cabinet.config import settings

WEEKDAYS_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def local(moment: datetime) -> datetime:
    """`moment` in the cabinet's time zone."""
    return moment.astimezone(ZoneInfo(settings().timezone))


def _as_local(moment: datetime | date) -> datetime | date:
    return local(moment) if isinstance(moment, datetime) else moment


def short(moment: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """A stored time in local time, short form ("05/03/2026 08:30"); "" for None."""
    return "" if moment is None else local(moment).strftime(fmt)


def clock_time(moment: datetime | None) -> str:
    """A time of day with seconds and the date: "07:40:23 27/11/2026"."""
    return short(moment, "%H:%M:%S %d/%m/%Y")


def decree30_date(moment: datetime | date | None) -> str:
    """'ngày 05 tháng 3 năm 2026' (Decree 30: day below 10, January and February padded)."""
    if moment is None:
        return ""
    day = _as_local(moment)
    dd = f"{day.day:02d}"
    mm = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {dd} tháng {mm} năm {day.year}"


def place_and_date(place: str, moment: datetime | date) -> str:
    """'Hà Nội, ngày 05 tháng 3 năm 2026' (the place-and-date line of a Decree 30 document)."""
    return f"{place}, {decree30_date(moment)}"


def vn_time(moment: datetime) -> str:
    """'8 giờ 30' in local time."""
    at = local(moment)
    return f"{at.hour} giờ {at.minute:02d}"


def vn_datetime(moment: datetime | None) -> str:
    """'17 giờ 00, thứ Hai, ngày 09 tháng 3 năm 2026' (deadlines, notices), local time."""
    if moment is None:
        return ""
    at = local(moment)
    return f"{vn_time(at)}, {WEEKDAYS_VI[at.weekday()]}, {decree30_date(at)}"


WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def en_date(moment: datetime | date | None) -> str:
    """'5 March 2026' (the English form of a Decree 30 date), local day."""
    if moment is None:
        return ""
    day = _as_local(moment)
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def en_datetime(moment: datetime | None) -> str:
    """'17:00, Monday, 9 March 2026' (deadlines, notices in English), local time."""
    if moment is None:
        return ""
    at = local(moment)
    return f"{at:%H:%M}, {WEEKDAYS_EN[at.weekday()]}, {en_date(at)}"


def _english() -> bool:
    """True when the page or mail being written is in English (Vietnamese outside a request)."""
    try:
        chosen = get_locale()
    except (RuntimeError, KeyError):  # no application context, or an app without Babel: Vietnamese
        return False
    return chosen is not None and chosen.language == "en"


def ui_date(moment: datetime | date | None) -> str:
    """A date for people, in the language of the page: Decree 30 form or '5 March 2026'."""
    return en_date(moment) if _english() else decree30_date(moment)


def ui_datetime(moment: datetime | None) -> str:
    """A deadline or notice time in the language of the page (Vietnamese or English)."""
    return en_datetime(moment) if _english() else vn_datetime(moment)
