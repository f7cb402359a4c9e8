"""Coalesced "N of M have voted": one background flusher per process, a few emits a second.

A cast marks its poll dirty after commit; the flusher wakes every `interval` seconds and
emits one `vote.progress` per dirty poll, counted from the database (so several processes
behind a message queue still agree). It stops after a short idle period.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from cabinet import outage
from cabinet.db import db
from cabinet.extensions import socketio
from voting.polls.announce import announce_now, progress_payload
from voting.polls.models import Poll

log = logging.getLogger(__name__)


class ProgressFlusher:
    """Collects dirty polls and emits their progress at most 1/interval times a second."""

    def __init__(self, interval: float = 0.25, idle_rounds: int = 20) -> None:
        self.interval = interval
        self.idle_rounds = idle_rounds
        self._dirty: dict[int, int] = {}
        self._lock = threading.Lock()
        self._running = False
        self._app: Any = None
        # Tests switch this off and call `flush()` themselves: deterministic, no timing.
        self.autostart = True

    def init_app(self, app: Any) -> None:
        """Remember the app so the background task can open an app context."""
        self._app = app

    def mark(self, poll_id: int, meeting_id: int) -> None:
        """Note that a poll's count changed; start the flusher if it sleeps."""
        with self._lock:
            self._dirty[poll_id] = meeting_id
            if self._running or self._app is None or not self.autostart:
                return
            self._running = True
        socketio.start_background_task(self._run)

    def forget(self, poll_id: int) -> None:
        """A closed poll needs no more progress (its result says it all)."""
        with self._lock:
            self._dirty.pop(poll_id, None)

    def flush(self) -> int:
        """Emit the progress of every dirty poll now; returns how many were emitted."""
        with self._lock:
            batch, self._dirty = self._dirty, {}
        if not batch:
            return 0
        with self._app.app_context():
            try:
                for poll_id in batch:
                    poll = db.session.get(Poll, poll_id)
                    if poll is not None and poll.is_open:
                        announce_now(poll, "vote.progress", progress_payload(poll))
            finally:
                db.session.remove()
        return len(batch)

    def _run(self) -> None:
        idle = 0
        while True:
            socketio.sleep(self.interval)
            try:
                emitted = self.flush()
            except Exception as error:  # keep counting for the next casts if one round failed
                outage.log_failure(log, "vote progress flush failed", error)
                emitted = 0
            idle = 0 if emitted else idle + 1
            with self._lock:
                if idle >= self.idle_rounds and not self._dirty:
                    self._running = False
                    return


progress_flusher = ProgressFlusher()
