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
    recently used entries are dropped beyond `size`.

    One build per key at a time: callers that miss a key while another caller builds it wait
    for that build instead of starting their own (on PostgreSQL a build waits for the database,
    so 60 tablets rejoining at once would otherwise all miss and all build). A waiter whose
    builder failed, or took longer than `wait`, builds for itself."""

    def __init__(self, size: int, *, wait: float = 5.0) -> None:
        self._size = size
        self._wait = wait
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._building: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.waits = 0
        _every.add(self)

    def get_or_build(self, key: Hashable, build: Callable[[], V]) -> V:
        with self._lock:
            found, value = self._found(key)
            if found:
                return value
            building = self._building.get(key)
            if building is None:
                building = self._building[key] = threading.Event()
                leads = True
            else:
                leads = False
                self.waits += 1
        if not leads:
            building.wait(self._wait)
            with self._lock:
                found, value = self._found(key)
            if found:
                return value
            return self._build(key, build, None)  # the builder failed or is stuck
        return self._build(key, build, building)

    def get(self, key: Hashable) -> V | None:
        """The value kept for `key`, or None (nothing is built)."""
        with self._lock:
            return self._found(key)[1]

    def _found(self, key: Hashable) -> tuple[bool, Any]:
        if key in self._entries:
            self._entries.move_to_end(key)
            self.hits += 1
            return True, self._entries[key]
        return False, None

    def _build(self, key: Hashable, build: Callable[[], V], building: threading.Event | None) -> V:
        try:
            value = build()  # outside the lock: a build may wait for the database
            with self._lock:
                self.misses += 1
                self._entries[key] = value
                while len(self._entries) > self._size:
                    self._entries.popitem(last=False)
            return value
        finally:
            if building is not None:
                with self._lock:
                    self._building.pop(key, None)
                building.set()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = self.waits = 0

    def __len__(self) -> int:
        return len(self._entries)
