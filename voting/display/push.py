"""The room screens follow their meeting without being in its room: after any emit to a
meeting's room the pusher recomputes that meeting's display state (`state.display_state`) and
sends it to the meeting's screens, a few times a second at most."""

from __future__ import annotations

import logging
import threading
from typing import Any

from cabinet.db import db
from cabinet.extensions import socketio
from meetings.models import Meeting
from voting.display.services import display_room
from voting.display.state import display_state

log = logging.getLogger(__name__)
_PREFIX = "meeting:"


class DisplayPusher:
    """Collects meetings whose room heard something and pushes their screens' state."""

    def __init__(self, interval: float = 0.1, idle_rounds: int = 50) -> None:
        self.interval = interval
        self.idle_rounds = idle_rounds
        self._dirty: set[int] = set()
        self._lock = threading.Lock()
        self._running = False
        self._app: Any = None
        # Tests without a live server switch this off and call `flush()` themselves.
        self.autostart = True

    def init_app(self, app: Any) -> None:
        """Remember the app so the background task can open an app context."""
        self._app = app

    def heard(self, event: str, room: str) -> None:
        """A room watcher (cabinet.realtime.watch_rooms): note the meeting whose room heard."""
        if room.startswith(_PREFIX) and room[len(_PREFIX) :].isdigit():
            self.mark(int(room[len(_PREFIX) :]))

    def mark(self, meeting_id: int) -> None:
        """Note that a meeting's screens need a new state; start the pusher if it sleeps."""
        with self._lock:
            self._dirty.add(meeting_id)
            if self._running or self._app is None or not self.autostart:
                return
            self._running = True
        socketio.start_background_task(self._run)

    def flush(self) -> int:
        """Push the state of every marked meeting now; returns how many were pushed."""
        with self._lock:
            batch, self._dirty = self._dirty, set()
        if not batch:
            return 0
        with self._app.app_context():
            try:
                for meeting_id in sorted(batch):
                    meeting = db.session.get(Meeting, meeting_id)
                    if meeting is not None:
                        state = display_state(meeting)
                        socketio.emit("display.state", state, to=display_room(meeting_id))
            finally:
                db.session.remove()
        return len(batch)

    def _run(self) -> None:
        idle = 0
        while True:
            socketio.sleep(self.interval)
            try:
                pushed = self.flush()
            except Exception:  # keep following the meeting even if one round failed
                log.exception("room screen push failed")
                pushed = 0
            idle = 0 if pushed else idle + 1
            with self._lock:
                if idle >= self.idle_rounds and not self._dirty:
                    self._running = False
                    return


display_pusher = DisplayPusher()
