"""psycopg's wait for the gevent worker: ready sockets need no trip through the hub.

psycopg runs every exchange with the server as a generator that says what it waits for (the
socket readable, writable, or either) and a *wait function* that waits. Under gevent psycopg
picks `wait_poll` on gevent's `select.poll`, a Python emulation that builds a poll object, a
watcher per descriptor, a result and a timeout for every wait, and switches to the hub even
when the socket is ready already. A pipelined `executemany` (a batch of casts, its audit
entries) waits once per row or so, almost always on a socket that is ready: 128 rows and their
commit cost 7.8 ms of CPU that way, 2.4 ms with `wait_gevent` (a monkey-patched process,
PostgreSQL on loopback). Here the socket is first asked, without blocking, by the real
`poll()`; only when nothing is ready does the greenlet wait on a gevent watcher (other
greenlets run meanwhile), then ask again. The answers to psycopg are the same as `wait_poll`'s,
an error or a hang-up included.

`install()` makes it psycopg's wait function; the gevent worker calls it (`cabinet.serve`).
`readable()` asks the same real `poll()` about a pooled connection (`cabinet.db.make_engine`).
"""

from __future__ import annotations

import select
import sys
from collections.abc import Callable, Generator
from time import monotonic
from typing import Any

from gevent import Timeout, get_hub, monkey
from psycopg import errors
from psycopg.waiting import READY_NONE, READY_R, READY_W, WAIT_R, WAIT_RW, WAIT_W

_MASKS = {WAIT_R: select.POLLIN, WAIT_W: select.POLLOUT, WAIT_RW: select.POLLIN | select.POLLOUT}
_BAD = ~(select.POLLIN | select.POLLOUT)


def _real_poll() -> Callable[[], Any]:
    """`select.poll` as the C library has it, whichever monkey patch ran: gevent keeps the
    original when it patches; eventlet deletes `poll` from `select` (it has no green one) and
    keeps the original module (`ECABINET_ASYNC_MODE=eventlet` failed at import without this)."""
    if "eventlet" in sys.modules:
        from eventlet import patcher

        return patcher.original("select").poll
    return monkey.get_original("select", "poll")


#: The real `select.poll`: asking it costs one syscall.
_REAL_POLL = _real_poll()


def wait_gevent(
    gen: Generator[int, int, Any],
    fileno: int,
    interval: float | None = 0.0,
    timeout: float | None = None,
) -> Any:
    """Drive `gen` to its end; its value. The signature of `psycopg.waiting.wait`: `interval`
    (how often psycopg's own loops wake to notice Ctrl-C) has nothing to do in a greenlet;
    `timeout` raises psycopg's wait timeout when the server has not answered in time."""
    deadline = None if timeout is None else monotonic() + timeout
    poller = _REAL_POLL()
    registered = None
    try:
        waiting = next(gen)
        while True:
            mask = _MASKS[waiting]
            if mask != registered:
                poller.register(fileno, mask)
                registered = mask
            events = poller.poll(0)
            if not events:
                _park(fileno, waiting, deadline)
                events = poller.poll(0)
            if not events:  # the deadline passed (or the watcher woke for nothing)
                if deadline is not None and monotonic() >= deadline:
                    raise errors._WaitTimeout("wait timeout expired")
                waiting = gen.send(READY_NONE)
                continue
            happened = events[0][1]
            ready = (READY_R if happened & select.POLLIN else 0) | (
                READY_W if happened & select.POLLOUT else 0
            )
            if not ready and happened & _BAD:
                raise errors.OperationalError("connection socket closed")
            waiting = gen.send(ready)
    except StopIteration as done:
        return done.value


def _park(fileno: int, waiting: int, deadline: float | None) -> None:
    """Let the other greenlets run until the socket is ready (or the deadline passes).
    libev's READ and WRITE are psycopg's WAIT_R and WAIT_W bits."""
    hub = get_hub()
    watcher = hub.loop.io(fileno, waiting)
    try:
        if deadline is None:
            hub.wait(watcher)
        else:
            with Timeout(max(deadline - monotonic(), 0.0), False):
                hub.wait(watcher)
    finally:
        watcher.close()


def readable(fileno: int) -> bool:
    """Has this socket something to read (data, an error or a hang-up), asked without waiting?"""
    poller = _REAL_POLL()
    poller.register(fileno, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def install() -> None:
    """Make `wait_gevent` psycopg's wait function (read by every connection at each wait)."""
    import psycopg.waiting

    psycopg.waiting.wait = wait_gevent
