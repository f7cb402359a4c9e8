"""What every meetings template has at hand: enum labels, state buttons, two filters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cabinet.dates import short
from meetings.models import (
    CLASSIFICATION_LABELS,
    FORM_LABELS,
    ITEM_KIND_LABELS,
    KIND_LABELS,
    STATE_LABELS,
    Classification,
    MeetingState,
)

STATE_BUTTONS = {
    MeetingState.PUBLISHED: "Công bố",
    MeetingState.DRAFT: "Thu hồi về dự thảo",
    MeetingState.IN_SESSION: "Khai mạc phiên họp",
    MeetingState.CLOSED: "Bế mạc phiên họp",
    MeetingState.ARCHIVED: "Lưu trữ",
}


def local_dt(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """Jinja filter `local_dt`: a UTC datetime in the configured zone."""
    return short(value, fmt)


def filesize(size: int | None) -> str:
    """Jinja filter `filesize`: a byte count for people."""
    if not size:
        return "0 KB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"


def labels() -> dict[str, Any]:
    """Enum labels and choices every meetings template uses."""
    return {
        "KIND_LABELS": KIND_LABELS,
        "FORM_LABELS": FORM_LABELS,
        "STATE_LABELS": STATE_LABELS,
        "ITEM_KIND_LABELS": ITEM_KIND_LABELS,
        "CLASSIFICATION_LABELS": CLASSIFICATION_LABELS,
        "MeetingState": MeetingState,
        "Classification": Classification,
        "STATE_BUTTONS": STATE_BUTTONS,
    }
