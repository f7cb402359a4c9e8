"""Extension points for meeting access that other packages plug into.

`READ_HOOKS` holds callables `fn(meeting, user) -> bool`; when any returns True the user may
read the meeting and its (non-classified) papers as a member would. The live-session package
appends one that grants a deputy access when attendance names them for an absent member.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

READ_HOOKS: list[Callable[[Any, Any], bool]] = []

# Callables `fn(user) -> iterable of meeting ids` that add meetings to a person's "My meetings"
# (e.g. a deputy named in attendance); pair each with a READ_HOOKS entry.
MEETING_ID_HOOKS: list[Callable[[Any], Any]] = []


def granted_by_hook(meeting, user) -> bool:
    """Return True when a registered read hook grants `user` access to `meeting`."""
    return any(hook(meeting, user) for hook in READ_HOOKS)
