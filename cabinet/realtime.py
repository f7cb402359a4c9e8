"""The realtime hub: rooms, the ack envelope, emits that wait for the commit, resync snapshots.

Protocol (docs/protocol.md): events are named `noun.verb`; every client-to-server event is
acknowledged with `{"ok": true, ...}` or `{"ok": false, "error": {"code", "message"}}`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, g, request, session
from flask.ctx import RequestContext
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_login import current_user
from flask_socketio import join_room
from socketio.exceptions import ConnectionRefusedError  # carries its reason to the client
from socketio.packet import Packet
from sqlalchemy import event
from sqlalchemy.orm import Session

from cabinet import heartbeat, logs, outage, packet_json, revisions
from cabinet.auth.socket_identity import cached_person
from cabinet.db import (
    COMMITTED,
    commit_queue,
    db,
    is_savepoint_release,
    run_unit_of_work,
    take_queue,
)
from cabinet.errors import DomainError, Unauthorized
from cabinet.extensions import socketio
from cabinet.group_commit import group_commit
from cabinet.heavy import heavy_turn
from cabinet.lifecycle import worker
from cabinet.schemas import load_or_raise

log = logging.getLogger(__name__)

_AFTER_COMMIT = "ecabinet.after_commit"
SnapshotPart = Callable[[Any, Any], dict[str, Any]]
_snapshot_parts: dict[str, SnapshotPart] = {}
_events: dict[str, Callable[..., Any]] = {}
#: Run on every accepted connection (once-per-worker starters: the heartbeat, the eviction
#: listener, which registers itself from `cabinet.eviction`).
CONNECT_HOOKS: list[Callable[[], None]] = [heartbeat.start]


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
    """Run `callback` once the current session's commit has returned; dropped on rollback."""
    commit_queue(_AFTER_COMMIT).append(callback)


def emit_after_commit(event_name: str, payload: dict[str, Any], *, room: str) -> None:
    """Emit `event_name` to `room` once the data it announces is committed.

    A payload about a meeting (`meeting_id`, or the meeting's room) is stamped at the commit
    with the meeting's new revision (`cabinet.revisions`).
    """
    meeting_id = payload.get("meeting_id")
    if meeting_id is None and room.startswith("meeting:"):
        meeting_id = int(room.partition(":")[2])
    if isinstance(meeting_id, int):
        revisions.stamp_at_commit(meeting_id, payload)
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
def _release_after_commit(session: Session) -> None:
    if is_savepoint_release(session):
        return  # a savepoint released is not yet durable: its callbacks wait for the commit
    # Not run here, inside the commit: `AppSession.commit` runs them once it has returned.
    released = [_guarded(callback) for callback in take_queue(session, _AFTER_COMMIT)]
    session.info.setdefault(COMMITTED, []).extend(released)


def _guarded(callback: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        try:
            callback()
        except Exception:  # an emit failing must not turn a committed request into an error
            log.exception("after-commit callback failed")

    return run


def register_snapshot_part(name: str, fn: SnapshotPart) -> None:
    """Add a part to the state a tablet receives when it joins or rejoins a meeting."""
    _snapshot_parts[name] = fn


def snapshot_parts(meeting: Any, user: Any) -> dict[str, Any]:
    """Every registered part of the meeting state, for this user."""
    return {name: fn(meeting, user) for name, fn in _snapshot_parts.items()}


def revoke_session_sockets(session_key: str, reason: str = "signed_out") -> None:
    """After commit: disconnect the sockets of one signed-in session (its sign-out)."""
    _revoke_room(session_room(session_key), reason)


def _revoke_room(room: str, reason: str) -> None:
    def revoke() -> None:
        socketio.emit("session.revoked", {"reason": reason}, to=room)
        server = socketio.server
        if server is None:
            return
        # After the commit has returned; the disconnect handler that runs here touches no session.
        for sid, _eio_sid in list(server.manager.get_participants("/", room)):
            server.disconnect(sid, namespace="/")

    on_commit(revoke)


def _error_ack(error: DomainError) -> dict[str, Any]:
    return {"ok": False, "error": error.to_dict()}


def socket_event(
    name: str,
    schema: type | None = None,
    *,
    batched: bool = False,
    savepoint: bool = True,
    heavy: bool = False,
) -> Callable:
    """Declare a client-to-server event: validate, call, commit, then ack (or ack the error).

    Every event gets exactly one answer: a database outage, even while loading the person,
    answers `unavailable` without touching the database again. One log line per event: its
    name, outcome and duration, never its arguments. `batched`: events that arrive together
    share one commit (`cabinet.group_commit`), each still acked only after the commit that
    holds it (votes being cast); `savepoint=False` for a batched event that refuses before it
    writes (`GroupCommit.run`). `heavy`: the event waits for its turn (`cabinet.heavy`): a
    bounded number run at once, after the casts in progress.
    """
    unit_of_work = (
        functools.partial(group_commit.run, savepoint=savepoint) if batched else run_unit_of_work
    )
    loader = schema() if schema is not None else None  # stateless: one per event name

    def decorator(fn: Callable[[dict[str, Any]], dict[str, Any] | None]) -> Callable:
        @functools.wraps(fn)
        def handler(data: Any = None) -> dict[str, Any]:
            started = time.monotonic()
            with worker.busy(), heavy_turn() if heavy else contextlib.nullcontext():
                ack = _answer(name, loader, fn, data, unit_of_work, attach=not batched)
            outcome = "ok" if ack.get("ok") else ack["error"]["code"]
            logs.event_line(name, outcome, started)
            return ack

        _events[name] = handler
        socketio.on_event(name, handler)
        return handler

    return decorator


def _answer(
    name: str,
    loader: Any,
    fn: Callable,
    data: Any,
    unit_of_work: Callable = run_unit_of_work,
    *,
    attach: bool = True,
) -> dict[str, Any]:
    try:
        _socket_person(attach)
        if not (current_user.is_authenticated and current_user.is_active):
            return _error_ack(Unauthorized())
        payload = data if isinstance(data, dict) else {}
        if loader is not None:
            payload = load_or_raise(loader, payload)
        result = unit_of_work(lambda: fn(payload) or {})
        return {"ok": True, **result}
    except DomainError as error:
        db.session.rollback()
        return _error_ack(error)
    except Exception as error:
        if outage.is_outage(error):
            outage.forget_session()
            log.error("socket event %s: database unavailable (%s)", name, type(error).__name__)
            return {"ok": False, "error": outage.error()}
        outage.forget_session()
        log.exception("socket event %s failed", name)
        return {"ok": False, "error": {"code": "internal", "message": outage.internal_message()}}


def _socket_person(attach: bool) -> None:
    """The socket's person for this event, from its connection's checked copy.

    Flask-Login would load the person again for every event: its session-protection hash of the
    address and browser (the socket's, fixed since `connect`, where it was checked), then the
    user loader, which finds the same copy (`cabinet.auth.socket_identity`). With no valid copy
    (the first event, a sign-in changed) Flask-Login's own path runs, checks included. A batched
    event's work runs in the batch's session, which takes the person in: `attach=False` spares
    merging it into the event's own session first.
    """
    if "_login_user" in g:
        return
    user_id = session.get("_user_id")
    person = cached_person(user_id, attach=attach) if user_id is not None else None
    if person is not None:
        g._login_user = person


class JsonPacket(Packet):
    """Socket.IO packets whose payloads are JSON, never bytes (docs/protocol.md).

    python-socketio walks every outgoing payload, each list and dict of it, looking for bytes
    to send as binary attachments: for every ack and every broadcast. Nothing here sends bytes
    over the socket (papers and PDFs go over HTTP), so the walk is skipped; a payload holding
    bytes by mistake fails to encode (TypeError, logged) instead of going out in binary.
    """

    uses_binary_events = False
    json = packet_json  # parts of a payload may be JSON already (`packet_json.Encoded`)


#: Where Socket.IO is served (Flask-SocketIO's default, kept by `cabinet.factory`).
SOCKET_PATH = "/socket.io"


def is_socket_request(environ: dict[str, Any]) -> bool:
    """True for the environ of a socket (its events' request contexts carry it)."""
    return str(environ.get("PATH_INFO", "")).rstrip("/") == SOCKET_PATH


class LazyUrlAdapter:
    """A socket event's URL adapter, bound when the event first builds a URL: most build none,
    and binding one (the host read and checked, the URL map bound to the environ) cost a
    twentieth of a cast's CPU (py-spy, 500 casts, PostgreSQL)."""

    __slots__ = ("_bind", "_adapter")

    def __init__(self, bind: Callable[[], Any]) -> None:
        self._bind = bind
        self._adapter: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._adapter is None:
            self._adapter = self._bind()
        return getattr(self._adapter, name)


class EventContext(RequestContext):
    """A request context that routes no socket event.

    Flask matches every request context's URL against the app's routes when it is pushed;
    Flask-SocketIO pushes one per socket event (its `connect` included), for the socket's path,
    which no route serves: the match fails with NotFound, kept on the request and never
    raised. Kept with its traceback, that exception held the frames of the whole connection
    (the websocket handler, its socket and buffers, the environ with the person's copy) in a
    reference cycle, alive after the disconnect until a full collection: a wave of 500
    tablets left ~20 MB each time (bench/tablets, PostgreSQL). A socket's request is known by
    its path, or by the session Flask-SocketIO keeps in its environ from its first event on.
    """

    def match_request(self) -> None:
        environ = self.request.environ
        if "saved_session" not in environ and not is_socket_request(environ):
            super().match_request()


class SocketSessionInterface(SecureCookieSessionInterface):
    """Cookie sessions, but a socket event does not decode its socket's cookie again.

    Flask-SocketIO gives each socket's events one session, copied from the cookie at the first
    event and kept in the socket's environ (`saved_session`), and puts it in place after Flask
    has opened (signature checked, JSON decoded) the same cookie for nothing, on every event.
    Here an event whose environ holds that session gets it straight away. HTTP requests never
    have one (each has its own environ) and open their cookie as before.
    """

    def open_session(self, app: Flask, request: Any) -> SessionMixin | None:
        saved = request.environ.get("saved_session")
        if saved is not None:
            return saved
        return super().open_session(app, request)


def register_hub() -> None:
    """Connection handlers: refuse anonymous sockets, put each socket in its person's room.

    Also attaches every event declared so far to this app's Socket.IO server: a module imported
    by an earlier app attached its events to that app's server only.
    """
    for name, handler in _events.items():
        socketio.on_event(name, handler)

    @socketio.on("connect")
    def on_connect(auth: Any = None) -> None:
        if worker.draining:
            raise ConnectionRefusedError("unavailable")
        guest = next((k for k in _guests if isinstance(auth, dict) and k in auth), None)
        if guest is not None:
            _guests[guest](auth[guest])
            return
        try:
            allowed = current_user.is_authenticated and current_user.is_active
        except Exception as error:
            if not outage.is_outage(error):
                raise
            outage.forget_session()
            raise ConnectionRefusedError("unavailable") from None
        if not allowed:
            raise ConnectionRefusedError("unauthorized")
        join_room(user_room(current_user.id))
        for hook in CONNECT_HOOKS:
            hook()
        if session.get("session_key"):
            join_room(session_room(session["session_key"]))
        log.debug("socket %s connected for user %s", request.sid, current_user.id)  # type: ignore[attr-defined]

    @socketio.on("disconnect")
    def on_disconnect(reason: Any = None) -> None:
        # Nothing to release: a disconnect handled in its own greenlet gets its own app context,
        # whose teardown removes its session; one run inside another step (an emit that found
        # the socket gone) must not touch that step's session.
        return None

    @socketio.on("ping.check")
    def on_ping(data: Any = None) -> dict[str, Any]:
        return {"ok": True}
