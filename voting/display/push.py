"""The room screens follow their meeting without being in its room.

Each worker knows the meetings whose screens are connected to it. After an emit to such a
meeting's room (a room watcher, `cabinet.realtime.watch_rooms`) the pusher recomputes the
meeting's display state (`state.display_state`) and sends it to the screens; it also looks
again about once a second while screens are connected, so a change announced by another worker
(or a clock that moved) reaches them too. Nothing runs on a worker without screens.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from cabinet import outage
from cabinet.db import db
from cabinet.extensions import socketio
from meetings.models import Meeting
from voting.display.services import display_room
from voting.display.state import display_state

log = logging.getLogger(__name__)
_PREFIX = "meeting:"


class DisplayPusher:
    """Pushes `display.state` to the screens connected to this worker, on change."""

    def __init__(self, interval: float = 0.1, refresh_every: int = 10) -> None:
        self.interval = interval
        self.refresh_every = refresh_every  # rounds: about once a second
        self._screens: set[int] = set()  # meetings with screens on this worker
        self._dirty: set[int] = set()
        self._sent: dict[int, str] = {}
        self._lock = threading.Lock()
        self._running = False
        self._app: Any = None

    def init_app(self, app: Any) -> None:
        """Remember the app so the background task can open an app context."""
        self._app = app

    def screen_connected(self, meeting_id: int) -> None:
        """A screen of `meeting_id` connected to this worker: follow that meeting."""
        with self._lock:
            self._screens.add(meeting_id)
            self._sent.pop(meeting_id, None)
        self.mark(meeting_id)

    def heard(self, event: str, room: str) -> None:
        """Room watcher: a followed meeting's room heard something, its screens need a look."""
        if room.startswith(_PREFIX) and room[len(_PREFIX) :].isdigit():
            meeting_id = int(room[len(_PREFIX) :])
            if meeting_id in self._screens:
                self.mark(meeting_id)

    def mark(self, meeting_id: int) -> None:
        """Note that a meeting's screens need a new state; start the pusher if it sleeps."""
        with self._lock:
            self._dirty.add(meeting_id)
            if self._running or self._app is None:
                return
            self._running = True
        socketio.start_background_task(self._run)

    def flush(self) -> int:
        """Push the state of every marked meeting whose state changed; how many were pushed."""
        with self._lock:
            batch, self._dirty = self._dirty, set()
        pushed = 0
        if not batch:
            return 0
        with self._app.app_context():
            try:
                for meeting_id in sorted(batch):
                    meeting = db.session.get(Meeting, meeting_id)
                    if meeting is None:
                        continue
                    state = display_state(meeting)
                    key = json.dumps({**state, "server_now": None}, sort_keys=True, default=str)
                    if self._sent.get(meeting_id) == key:
                        continue
                    self._sent[meeting_id] = key
                    socketio.emit("display.state", state, to=display_room(meeting_id))
                    pushed += 1
            finally:
                db.session.remove()
        return pushed

    def _still_watched(self) -> set[int]:
        """The followed meetings that still have a screen on this worker."""
        server = socketio.server
        with self._lock:
            for meeting_id in list(self._screens):
                room = display_room(meeting_id)
                if server is None or not list(server.manager.get_participants("/", room)):
                    self._screens.discard(meeting_id)
                    self._sent.pop(meeting_id, None)
            return set(self._screens)

    def _run(self) -> None:
        rounds = 0
        while True:
            socketio.sleep(self.interval)
            rounds += 1
            if rounds % self.refresh_every == 0:
                for meeting_id in self._still_watched():
                    self.mark(meeting_id)
            try:
                self.flush()
            except Exception as error:  # keep following the meeting if one round failed
                outage.log_failure(log, "room screen push failed", error)
            with self._lock:
                if not self._screens and not self._dirty:
                    self._running = False
                    return


display_pusher = DisplayPusher()
