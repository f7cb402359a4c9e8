"""A small bounded memo shared by the greenlets (or threads) of one process.

The meetings package keeps the agenda part of `meeting.join` in one, keyed by what the part is
built from (the meeting's revision and rows' stamps, and what the person may see): 500 tablets
that rejoin at the same revision share one dump instead of building 500.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")

_every: weakref.WeakSet[BoundedMemo[Any]] = weakref.WeakSet()


def clear_every_memo() -> None:
    """Empty every memo of the process (tests: a rolled-back database may give the next test's
    rows the same ids and stamps)."""
    for memo in list(_every):
        memo.clear()


class BoundedMemo(Generic[V]):
    """`get_or_build(key, build)`: the value kept for `key`, else `build()` kept; the least
    recently used entries are dropped beyond `size`. Two callers that miss the same key at once
    may both build; the values are equal, and the last one is kept."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        _every.add(self)

    def get_or_build(self, key: Hashable, build: Callable[[], V]) -> V:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
        value = build()  # outside the lock: a build may wait for the database
        with self._lock:
            self.misses += 1
            self._entries[key] = value
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)
