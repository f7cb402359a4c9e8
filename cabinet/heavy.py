"""Turns for the events that read much (a tablet's full `meeting.join`), so that a wave of them
never holds back the casts of a vote under way.

After a Wi-Fi drop, or when a missed broadcast makes every tablet of a worker resync at once,
sixty joins arrive together. Seen with Redis hung and the machine busy: each join took 3-7 s,
they held every database connection, and the casts of the next vote were acked after 6.9-10 s
(five resent after the tablets' 10 s timeout); with the connections bounded but no order, the
casts still waited 4 s for the CPU the joins were using.

So a heavy event takes a turn: one of half the database pool's slots (`ECABINET_DB_POOL_SIZE`),
waited for holding no connection; then, while casts are queued or being written
(`cabinet.group_commit`), it lets them go first, for at most `YIELD_SECONDS`. A rejoin may wait
a few hundred milliseconds; a vote's receipts should not.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

from flask import current_app

from cabinet.group_commit import group_commit

#: The longest a heavy event stands aside for writes in progress (then it runs anyway).
YIELD_SECONDS = 1.0
_POLL_SECONDS = 0.005
_slots: dict[int, threading.BoundedSemaphore] = {}


def heavy_slots() -> threading.BoundedSemaphore:
    """Half the database pool's slots. Created on first use, after gevent's monkey-patching,
    so that waiting for one yields to the other greenlets."""
    size = max(1, current_app.extensions["ecabinet.settings"].db_pool_size // 2)
    if size not in _slots:
        _slots[size] = threading.BoundedSemaphore(size)
    return _slots[size]


@contextlib.contextmanager
def heavy_turn() -> Iterator[None]:
    """Run the block in a heavy event's turn (a slot, after the writes in progress)."""
    with heavy_slots():
        deadline = time.monotonic() + YIELD_SECONDS
        while group_commit.busy and time.monotonic() < deadline:
            time.sleep(_POLL_SECONDS)
        yield
