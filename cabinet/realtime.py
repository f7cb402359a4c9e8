"""The realtime hub: rooms, the ack envelope, emits that wait for the commit, resync snapshots.

Protocol (docs/protocol.md): events are named `noun.verb`; every client-to-server event is
acknowledged with `{"ok": true, ...}` or `{"ok": false, "error": {"code", "message"}}`.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import join_room
from sqlalchemy import event
from sqlalchemy.orm import Session

from cabinet.db import commit_queue, db, run_unit_of_work, take_queue
from cabinet.errors import DomainError, Unauthorized
from cabinet.extensions import socketio
from cabinet.schemas import load_or_raise

log = logging.getLogger(__name__)

_AFTER_COMMIT = "ecabinet.after_commit"
SnapshotPart = Callable[[Any, Any], dict[str, Any]]
_snapshot_parts: dict[str, SnapshotPart] = {}
_events: dict[str, Callable[..., Any]] = {}


def meeting_room(meeting_id: int) -> str:
    """The room of everyone following a meeting."""
    return f"meeting:{meeting_id}"


def user_room(user_id: int) -> str:
    """The room of one person's open tabs and tablets."""
    return f"user:{user_id}"


def session_room(session_key: str) -> str:
    """The room of the sockets opened under one signed-in session (one browser or tablet)."""
    return f"session:{session_key}"


def on_commit(callback: Callable[[], None]) -> None:
    """Run `callback` after the current session commits; dropped if it rolls back."""
    commit_queue(_AFTER_COMMIT).append(callback)


def emit_after_commit(event_name: str, payload: dict[str, Any], *, room: str) -> None:
    """Emit `event_name` to `room` once the data it announces is committed."""
    on_commit(functools.partial(socketio.emit, event_name, payload, to=room))


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in take_queue(session, _AFTER_COMMIT):
        try:
            callback()
        except Exception:  # an emit failing must not turn a committed request into an error
            log.exception("after-commit callback failed")


def register_snapshot_part(name: str, fn: SnapshotPart) -> None:
    """Add a part to the state a tablet receives when it joins or rejoins a meeting."""
    _snapshot_parts[name] = fn


def snapshot_parts(meeting: Any, user: Any) -> dict[str, Any]:
    """Every registered part of the meeting state, for this user."""
    return {name: fn(meeting, user) for name, fn in _snapshot_parts.items()}


def revoke_user_sockets(user_id: int, reason: str = "deactivated") -> None:
    """After commit: tell the person's sockets the session ended and disconnect them."""
    _revoke_room(user_room(user_id), reason)


def revoke_session_sockets(session_key: str, reason: str = "signed_out") -> None:
    """After commit: disconnect the sockets of one signed-in session (its sign-out)."""
    _revoke_room(session_room(session_key), reason)


def _revoke_room(room: str, reason: str) -> None:
    def revoke() -> None:
        socketio.emit("session.revoked", {"reason": reason}, to=room)
        server = socketio.server
        if server is None:
            return
        # The disconnect handler runs right here, inside the commit that queued this: it must
        # not remove the committing session (that raised and left the other sockets connected).
        _revoking.active = True
        try:
            for sid, _eio_sid in list(server.manager.get_participants("/", room)):
                server.disconnect(sid, namespace="/")
        finally:
            _revoking.active = False

    on_commit(revoke)


_revoking = threading.local()  # greenlet-local under gevent's monkey patching


def _error_ack(error: DomainError) -> dict[str, Any]:
    return {"ok": False, "error": error.to_dict()}


def socket_event(name: str, schema: type | None = None) -> Callable:
    """Declare a client-to-server event: validate, call, commit, then ack (or ack the error)."""

    def decorator(fn: Callable[[dict[str, Any]], dict[str, Any] | None]) -> Callable:
        @functools.wraps(fn)
        def handler(data: Any = None) -> dict[str, Any]:
            if not (current_user.is_authenticated and current_user.is_active):
                return _error_ack(Unauthorized())
            try:
                payload = data if isinstance(data, dict) else {}
                if schema is not None:
                    payload = load_or_raise(schema(), payload)
                result = run_unit_of_work(lambda: fn(payload) or {})
                return {"ok": True, **result}
            except DomainError as error:
                db.session.rollback()
                return _error_ack(error)
            except Exception:
                db.session.rollback()
                log.exception("socket event %s failed", name)
                return {
                    "ok": False,
                    "error": {
                        "code": "internal",
                        "message": str(_l("Lỗi hệ thống. Vui lòng thử lại.")),
                    },
                }

        _events[name] = handler
        socketio.on_event(name, handler)
        return handler

    return decorator


def register_hub() -> None:
    """Connection handlers: refuse anonymous sockets, put each socket in its person's room.

    Also attaches every event declared so far to this app's Socket.IO server: a module imported
    by an earlier app attached its events to that app's server only.
    """
    for name, handler in _events.items():
        socketio.on_event(name, handler)

    @socketio.on("connect")
    def on_connect(auth: Any = None) -> None:
        if not (current_user.is_authenticated and current_user.is_active):
            raise ConnectionRefusedError("unauthorized")
        join_room(user_room(current_user.id))
        if session.get("session_key"):
            join_room(session_room(session["session_key"]))
        log.debug("socket %s connected for user %s", request.sid, current_user.id)  # type: ignore[attr-defined]

    @socketio.on("disconnect")
    def on_disconnect(reason: Any = None) -> None:
        if not getattr(_revoking, "active", False):
            db.session.remove()

    @socketio.on("ping.check")
    def on_ping(data: Any = None) -> dict[str, Any]:
        return {"ok": True}
