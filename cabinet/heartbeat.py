"""The revision heartbeat: every few seconds each worker tells its own sockets, per meeting
they follow, the latest committed revision read from the database (`meeting.heartbeat`).

It goes to this worker's sockets directly, never through the message queue: it is what heals
the tablets that missed a broadcast while Redis was down or a worker restarted.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app

from cabinet.db import db
from cabinet.extensions import socketio
from cabinet.revisions import read_revisions

log = logging.getLogger(__name__)
_task: dict[str, Any] = {}


def followed_meetings() -> dict[int, str]:
    """The meetings this worker's sockets follow: id → room."""
    server = socketio.server
    rooms = getattr(getattr(server, "manager", None), "rooms", {}).get("/", {})
    followed = {}
    for room, members in list(rooms.items()):
        if isinstance(room, str) and room.startswith("meeting:") and members:
            followed[int(room.partition(":")[2])] = room
    return followed


def beat(app: Flask) -> int:
    """Send one heartbeat to every followed meeting's room on this worker; returns how many."""
    followed = followed_meetings()
    if not followed:
        return 0
    with app.app_context():
        try:
            revisions = read_revisions(followed)
        finally:
            db.session.remove()
    for meeting_id, revision in revisions.items():
        payload = {"meeting_id": meeting_id, "revision": revision}
        socketio.server.emit(
            "meeting.heartbeat", payload, to=followed[meeting_id], ignore_queue=True
        )
    return len(revisions)


def _run(app: Flask, interval: float) -> None:
    failing = False
    while True:
        socketio.sleep(interval)
        try:
            beat(app)
            if failing:
                log.warning("heartbeat: database reachable again")
            failing = False
        except Exception as error:  # the database down: beat again when it is back
            if not failing:
                log.error("heartbeat: cannot read revisions (%s)", type(error).__name__)
            failing = True


def start() -> None:
    """Once per worker: start the heartbeat (when the settings give it an interval)."""
    if "task" in _task:
        return
    interval = current_app.extensions["ecabinet.settings"].heartbeat_seconds
    if interval > 0:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        _task["task"] = socketio.start_background_task(_run, app, interval)
