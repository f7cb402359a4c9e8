"""The room screen's socket: no person signed in, a display token instead (`auth.display`).

The token's socket joins its meeting's screen room and its token's room, and receives its
first state at once; it can call no event (every event needs a signed-in person). A revoked or
unknown token is refused.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_socketio import emit, join_room
from socketio.exceptions import ConnectionRefusedError  # carries its reason to the client

from cabinet.db import db
from cabinet.realtime import register_guest, watch_rooms
from voting.display.push import display_pusher
from voting.display.services import active_token, display_room, token_room
from voting.display.state import display_state


def connect_display(token: Any) -> None:
    """Accept a room screen's socket for its token's meeting, or refuse it."""
    try:
        row = active_token(token)
        if row is None:
            raise ConnectionRefusedError("display_token_revoked")
        join_room(display_room(row.meeting_id))
        join_room(token_room(row.id))
        emit("display.state", display_state(row.meeting), to=request.sid)  # type: ignore[attr-defined]
        display_pusher.screen_connected(row.meeting_id)
    finally:
        db.session.remove()


def register_display(app: Any) -> None:
    """Accept display tokens on the socket and follow the meetings' rooms."""
    display_pusher.init_app(app)
    register_guest("display", connect_display)
    watch_rooms(display_pusher.heard)
