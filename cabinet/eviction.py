"""Access changes reach sockets on every worker.

When a person loses access (removed from an invitation, a meeting back to draft, a role
change, a sign-out), their open sockets must stop hearing at once, on every worker. Each
worker knows only its own sockets, so the order goes out on a Redis channel of its own (the
Socket.IO queue carries emits, not room changes by person) and each worker applies it to the
sockets it holds; without Redis (one process) it is applied here directly. Orders are published
through the worker's bounded outbox (`cabinet.mq`): a Redis fault never holds the request.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from typing import Any

import redis

from cabinet.auth.socket_identity import forget_all
from cabinet.extensions import socketio
from cabinet.mq import queue_of
from cabinet.realtime import CONNECT_HOOKS, meeting_room, on_commit, user_room

log = logging.getLogger(__name__)

EVICT_CHANNEL = "ecabinet.evict"
_HOST = uuid.uuid4().hex
_listener: dict[str, Any] = {}


def revoke_user_sockets(user_id: int, reason: str = "deactivated") -> None:
    """After commit: tell the person's sockets the session ended and disconnect them."""
    evict_user(user_id, reason)


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
    queue = queue_of(socketio.server)
    if queue is not None:
        queue.enqueue(EVICT_CHANNEL, json.dumps({**order, "host": _HOST}))


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
        except Exception as error:  # Redis restarting: keep listening once it is back
            if _listener.get("subscribed", True):
                log.error("eviction listener lost Redis (%s); retrying", type(error).__name__)
            _listener["subscribed"] = False
            socketio.sleep(1)


def start_eviction_listener() -> None:
    """Once per worker with a message queue: listen for the other workers' eviction orders."""
    url = _redis_url()
    if url and "task" not in _listener:
        _listener["task"] = socketio.start_background_task(_listen, url)


if start_eviction_listener not in CONNECT_HOOKS:
    CONNECT_HOOKS.append(start_eviction_listener)
