"""The "live" part of the `meeting.join` state: everything a reconnecting tablet needs."""

from __future__ import annotations

from typing import Any

from meetings import hooks
from meetings.live import services


def live_part(meeting: Any, user: Any) -> dict[str, Any]:
    """Current item and timer, speakers' list, quorum, own attendance; votes add their part."""
    data = services.live_snapshot(meeting, user)
    data.update({"vote": None, "last_result": None, **hooks.live_parts.merged(meeting, user)})
    return data
