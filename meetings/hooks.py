"""What higher layers add to the meetings package's pages, snapshots and rules.

`meetings` knows nothing of votes, ballots or records; `voting` and `records` build on it and
fill these registries from their `register(app)` (as Flask and Indico use signals). Each
registry maps a part's name to a function; a part that has nothing to say returns None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Part = Callable[..., Any]


class Parts:
    """Named contributions from higher layers, collected in registration order."""

    def __init__(self, purpose: str) -> None:
        self.purpose = purpose
        self._parts: dict[str, Part] = {}

    def register(self, name: str, fn: Part) -> None:
        """Add (or replace) the part `name`."""
        self._parts[name] = fn

    def collect(self, *args: Any) -> dict[str, Any]:
        """Every part's answer for `args`, by name (None where a part has nothing)."""
        return {name: fn(*args) for name, fn in self._parts.items()}

    def merged(self, *args: Any) -> dict[str, Any]:
        """The parts' dict answers merged into one (None answers skipped)."""
        merged: dict[str, Any] = {}
        for answer in self.collect(*args).values():
            if answer:
                merged.update(answer)
        return merged


#: (meeting, user) -> dict merged into the live part of the `meeting.join` snapshot
#: (voting adds the open vote and the last result).
live_parts = Parts("live snapshot")

#: (meeting, user) -> dict merged into an ended meeting's page (records adds the minutes
#: and resolutions under "records").
meeting_page_parts = Parts("meeting page")

#: (meeting, item, user) -> dict merged into an ended session's item page (voting adds
#: "votes", records adds "conclusion", "decision" and "minutes").
item_page_parts = Parts("item page")

#: (meeting) -> dict merged into the session record the minutes are drafted from
#: (voting adds "votes").
record_parts = Parts("session record")

#: (meeting) -> None, raising a DomainError when the session may not close now
#: (voting refuses while a vote is open).
close_guards = Parts("close guard")

#: (meeting) -> None, raising a DomainError when the session may not be suspended now
#: (voting refuses while a vote is open: a vote is never left dangling).
suspend_guards = Parts("suspend guard")

#: (meeting, actor) -> None, run as the chair closes the session, in the same unit of work
#: (records drafts the minutes).
session_closed = Parts("session closed")

#: (motion) -> None, raising a DomainError when a prepared motion may no longer change
#: (voting refuses once a vote was opened on it).
motion_guards = Parts("motion guard")

#: (item) -> dict {"votes": {motion_id: vote summary}} for an item's motions (voting adds the
#: votes opened on each motion and their results).
motion_parts = Parts("motion votes")
