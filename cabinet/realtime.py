"""The realtime hub: rooms, the ack envelope, emits that wait for the commit, resync snapshots.

Protocol (docs/protocol.md): events are named `noun.verb`; every client-to-server event is
acknowledged with `{"ok": true, ...}` or `{"ok": false, "error": {"code", "message"}}`.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

import redis
from flask import request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import join_room
from sqlalchemy import event
from sqlalchemy.orm import Session

from cabinet.auth.socket_identity import forget_all
from cabinet.db import commit_queue, db, is_savepoint_release, run_unit_of_work, take_queue
from cabinet.errors import DomainError, Unauthorized
from cabinet.extensions import socketio
from cabinet.group_commit import group_commit
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
    on_commit(functools.partial(emit_now, event_name, payload, room=room))


def emit_now(event_name: str, payload: dict[str, Any], *, room: str) -> None:
    """Emit `event_name` to `room` now (for data already committed); room watchers hear of it."""
    socketio.emit(event_name, payload, to=room)
    for watcher in _room_watchers:
        try:
            watcher(event_name, room)
        except Exception:  # a watcher failing must not stop the emit's caller
            log.exception("room watcher failed")


_room_watchers: list[Callable[[str, str], None]] = []


def watch_rooms(watcher: Callable[[str, str], None]) -> None:
    """Call `watcher(event, room)` after every emit to a room (the room screen follows its
    meeting's room this way without being in it)."""
    if watcher not in _room_watchers:
        _room_watchers.append(watcher)


_guests: dict[str, Callable[[Any], None]] = {}


def register_guest(auth_key: str, connect: Callable[[Any], None]) -> None:
    """Let a socket without a signed-in person connect when its `auth` carries `auth_key`:
    `connect(value)` joins its rooms, or raises ConnectionRefusedError (the room screen's
    display token). Such a socket can call no event: every event needs a signed-in person."""
    _guests[auth_key] = connect


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    if is_savepoint_release(session):
        return  # a savepoint released is not yet durable
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
    evict_user(user_id, reason)


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


def socket_event(name: str, schema: type | None = None, *, batched: bool = False) -> Callable:
    """Declare a client-to-server event: validate, call, commit, then ack (or ack the error).

    `batched`: events that arrive together share one commit (`cabinet.group_commit`), each
    still acked only after the commit that holds it (votes being cast).
    """
    unit_of_work = group_commit.run if batched else run_unit_of_work

    def decorator(fn: Callable[[dict[str, Any]], dict[str, Any] | None]) -> Callable:
        @functools.wraps(fn)
        def handler(data: Any = None) -> dict[str, Any]:
            if not (current_user.is_authenticated and current_user.is_active):
                return _error_ack(Unauthorized())
            try:
                payload = data if isinstance(data, dict) else {}
                if schema is not None:
                    payload = load_or_raise(schema(), payload)
                result = unit_of_work(lambda: fn(payload) or {})
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
        guest = next((k for k in _guests if isinstance(auth, dict) and k in auth), None)
        if guest is not None:
            _guests[guest](auth[guest])
            return
        if not (current_user.is_authenticated and current_user.is_active):
            raise ConnectionRefusedError("unauthorized")
        join_room(user_room(current_user.id))
        start_eviction_listener()
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


# ---------------------------------------------------------------- access changes reach sockets
#
# When a person loses access (removed from an invitation, a meeting back to draft, a role
# change, a sign-out), their open sockets must stop hearing at once, on every worker. Each
# worker knows only its own sockets, so the order goes out on a Redis channel of its own (the
# Socket.IO queue carries emits, not room changes by person) and each worker applies it to the
# sockets it holds; without Redis (one process) it is applied here directly.

EVICT_CHANNEL = "ecabinet.evict"
_HOST = uuid.uuid4().hex
_listener: dict[str, Any] = {}


def evict_user(user_id: int, reason: str, *, now: bool = False) -> None:
    """End every socket of the person on every worker (`session.revoked`, then disconnect):
    for a sign-out, a password change, a deactivation. After the commit unless `now`."""
    _send({"user_ids": [user_id], "meeting_id": None, "reason": reason, "end": True}, now)


def reconnect_user(user_id: int, reason: str = "access_changed", *, now: bool = False) -> None:
    """Disconnect the person's sockets without ending the session: the tablet reconnects and
    rejoins, and every join is checked again (a role change)."""
    _send({"user_ids": [user_id], "meeting_id": None, "reason": reason, "end": False}, now)


def evict_from_meeting(
    user_ids: int | list[int], meeting_id: int, reason: str = "access_changed", *, now: bool = False
) -> None:
    """Take the person's (or people's) sockets out of the meeting's room on every worker and
    tell them (`meeting.access_revoked`). After the commit unless `now`."""
    ids = [user_ids] if isinstance(user_ids, int) else sorted(set(user_ids))
    if ids:
        _send({"user_ids": ids, "meeting_id": meeting_id, "reason": reason, "end": False}, now)


def _send(order: dict[str, Any], now: bool) -> None:
    if now:
        _publish(order)
    else:
        on_commit(functools.partial(_publish, order))


def _redis_url() -> str | None:
    manager = getattr(socketio.server, "manager", None)
    return getattr(manager, "redis_url", None)


def _publish(order: dict[str, Any]) -> None:
    apply_eviction(order)
    url = _redis_url()
    if url:
        client = _listener.get("publisher")
        if client is None:
            client = _listener["publisher"] = redis.Redis.from_url(url)
        client.publish(EVICT_CHANNEL, json.dumps({**order, "host": _HOST}))


def apply_eviction(order: dict[str, Any]) -> None:
    """Apply an eviction order to the sockets this worker holds."""
    forget_all()  # every socket of this worker checks its person again on its next event
    server = socketio.server
    if server is None:
        return
    meeting_id, reason = order.get("meeting_id"), order.get("reason", "access_changed")
    for user_id in order.get("user_ids", []):
        for sid, _eio_sid in list(server.manager.get_participants("/", user_room(user_id))):
            if meeting_id is not None:
                server.leave_room(sid, meeting_room(meeting_id), namespace="/")
                server.emit(
                    "meeting.access_revoked",
                    {"meeting_id": meeting_id, "reason": reason},
                    to=sid,
                    namespace="/",
                )
                continue
            if order.get("end"):
                server.emit("session.revoked", {"reason": reason}, to=sid, namespace="/")
            # Not inline: a disconnect runs the disconnect handler at once, and this may run
            # inside the commit of a request whose session that handler would close.
            socketio.start_background_task(server.disconnect, sid, namespace="/")


def _listen(url: str) -> None:
    """Apply the other workers' eviction orders to this worker's sockets (runs for ever)."""
    while True:
        try:
            pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(EVICT_CHANNEL)
            _listener["subscribed"] = True
            for message in pubsub.listen():
                order = json.loads(message["data"])
                if order.get("host") != _HOST:
                    apply_eviction(order)
        except Exception:  # Redis restarting: keep listening once it is back
            _listener["subscribed"] = False
            log.exception("eviction listener lost Redis; retrying")
            socketio.sleep(1)


def start_eviction_listener() -> None:
    """Once per worker with a message queue: listen for the other workers' eviction orders."""
    url = _redis_url()
    if url and "task" not in _listener:
        _listener["task"] = socketio.start_background_task(_listen, url)
