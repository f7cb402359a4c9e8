"""The realtime hub: refused without sign-in, per-user rooms, acks, emits only after commit."""

from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from marshmallow import Schema, fields

from cabinet.db import db as database
from cabinet.errors import InvalidState
from cabinet.extensions import socketio
from cabinet.realtime import emit_after_commit, socket_event, user_room
from cabinet.users.models import Role
from cabinet.users.services import set_user_active
from tests.conftest import events_named


class EchoSchema(Schema):
    text = fields.String(required=True)


@pytest.fixture(scope="module", autouse=True)
def test_events(app):
    @socket_event("test.echo", schema=EchoSchema)
    def echo(data):
        if data["text"] == "refuse":
            raise InvalidState("Không thể thực hiện lúc này.")
        if data["text"] == "crash":
            raise RuntimeError("boom")
        return {"echo": data["text"]}

    yield
    from cabinet import realtime

    realtime._events.pop("test.echo", None)
    socketio.handlers = [h for h in socketio.handlers if h[0] != "test.echo"]
    socketio.server.handlers["/"].pop("test.echo", None)


def exceptions_left_to_the_collector(act) -> list[BaseException]:
    """The exceptions that `act` leaves in reference cycles (alive until a full collection)."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        act()
        gc.collect()
        return [o for o in gc.garbage if isinstance(o, BaseException)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def test_a_socket_connection_leaves_no_routing_failure_behind(socket_client, db, make_user):
    """Each connection's `connect` matched the socket's path against the app's routes and kept
    the NotFound with its traceback, whose frames held the connection (websocket, buffers,
    environ, the person's copy) in a cycle after the disconnect: ~20 MB per wave of 500
    tablets until a full collection."""
    user = make_user()

    def connect_use_and_leave() -> None:
        sio = socket_client(user)
        assert sio.emit("test.echo", {"text": "a"}, callback=True)["ok"]
        sio.disconnect()

    assert exceptions_left_to_the_collector(connect_use_and_leave) == []


def test_connection_without_sign_in_is_refused(socket_client, db):
    sio = socket_client(None)
    assert not sio.is_connected()


def test_signed_in_socket_joins_the_persons_room(socket_client, db, make_user):
    alice, bob = make_user(), make_user()
    a, b = socket_client(alice), socket_client(bob)
    assert a.is_connected() and b.is_connected()
    socketio.emit("notice.sent", {"to": "alice"}, to=user_room(alice.id))
    assert events_named(a, "notice.sent") == [{"to": "alice"}]
    assert events_named(b, "notice.sent") == []


def test_ack_envelope(socket_client, db, make_user):
    sio = socket_client(make_user())
    assert sio.emit("test.echo", {"text": "xin chào"}, callback=True) == {
        "ok": True,
        "echo": "xin chào",
    }
    refused = sio.emit("test.echo", {"text": "refuse"}, callback=True)
    assert refused == {
        "ok": False,
        "error": {"code": "invalid_state", "message": "Không thể thực hiện lúc này."},
    }
    invalid = sio.emit("test.echo", {}, callback=True)
    assert invalid["ok"] is False and invalid["error"]["code"] == "validation_failed"
    assert "text" in invalid["error"]["fields"]
    crashed = sio.emit("test.echo", {"text": "crash"}, callback=True)
    assert crashed["ok"] is False and crashed["error"]["code"] == "internal"


def test_emit_waits_for_the_commit_and_is_dropped_on_rollback(socket_client, db, make_user):
    user = make_user()
    sio = socket_client(user)
    emit_after_commit("thing.changed", {"n": 1}, room=user_room(user.id))
    assert events_named(sio, "thing.changed") == []
    database.session.commit()
    assert events_named(sio, "thing.changed") == [{"n": 1}]
    emit_after_commit("thing.changed", {"n": 2}, room=user_room(user.id))
    database.session.rollback()
    database.session.commit()
    assert events_named(sio, "thing.changed") == []


def test_deactivation_disconnects_the_persons_sockets_at_once(socket_client, db, make_user):
    user, admin = make_user(), make_user(Role.ADMIN)
    sio = socket_client(user)
    assert sio.is_connected()
    set_user_active(user, False, actor=admin)
    database.session.commit()
    assert not sio.is_connected()


def test_events_from_a_revoked_session_are_refused(socket_client, db, make_user):
    user = make_user()
    sio = socket_client(user)
    user.session_token = "rotated"  # e.g. password changed elsewhere
    database.session.commit()
    ack = sio.emit("test.echo", {"text": "x"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "unauthorized"


def test_a_refused_connection_tells_the_tablet_why(live_server):
    """The connect handler's reason reaches the client (realtime.js tells "unavailable" — retry —
    from "unauthorized" — sign in again — and the room screen "display_token_revoked"): Python's
    built-in ConnectionRefusedError would arrive as "Connection rejected by server"."""
    import threading

    import socketio as sio_client

    reasons: list[str] = []
    heard = threading.Event()
    client = sio_client.Client(reconnection=False)

    @client.event
    def connect_error(data):
        reasons.append(data.get("message") if isinstance(data, dict) else str(data))
        heard.set()

    with pytest.raises(sio_client.exceptions.ConnectionError):
        client.connect(live_server, transports=["websocket"], wait_timeout=10)
    assert heard.wait(10)
    assert reasons == ["unauthorized"]


def test_heavy_events_take_at_most_half_the_pool_and_others_pass_them(
    app, socket_client, committed_db, make_user
):
    """Sixty tablets rejoining at once must not hold every database connection: a `heavy`
    event waits for one of `heavy_slots` (half the pool); other events do not wait for them."""
    from cabinet.heavy import heavy_slots

    release, running, most = threading.Event(), [0], [0]
    lock = threading.Lock()

    @socket_event("test.heavy", heavy=True)
    def heavy(data):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        release.wait(10)
        with lock:
            running[0] -= 1
        return {"done": True}

    try:
        with app.app_context():
            slots = heavy_slots()._initial_value  # type: ignore[attr-defined]
        assert slots == app.extensions["ecabinet.settings"].db_pool_size // 2
        people = [make_user() for _ in range(slots + 4)]
        database.session.commit()  # the events run in threads of their own: they must see them
        clients = [socket_client(person) for person in people[1:]]
        with ThreadPoolExecutor(len(clients)) as pool:
            acks = [pool.submit(c.emit, "test.heavy", {}, callback=True) for c in clients]
            deadline = time.monotonic() + 10
            while running[0] < slots and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.2)  # the others had time to start, had they not waited for a slot
            assert running[0] == slots
            other = socket_client(people[0])
            assert other.emit("test.echo", {"text": "vẫn nhanh"}, callback=True)["ok"]
            release.set()
            assert [a.result(timeout=20) for a in acks] == [{"ok": True, "done": True}] * len(
                clients
            )
        assert most[0] == slots
    finally:
        from cabinet import realtime

        realtime._events.pop("test.heavy", None)
        socketio.handlers = [h for h in socketio.handlers if h[0] != "test.heavy"]
        socketio.server.handlers["/"].pop("test.heavy", None)


def test_a_heavy_event_lets_the_casts_in_progress_go_first_for_a_bounded_time(
    app, socket_client, committed_db, make_user, monkeypatch
):
    """Sixty rejoins must not take the CPU from a vote's casts: a heavy event starts only once
    the group commit has nothing queued or being written, or after `YIELD_SECONDS` anyway."""
    from cabinet import heavy
    from cabinet.group_commit import group_commit

    seen_busy: list[bool] = []

    @socket_event("test.heavy.turn", heavy=True)
    def heavy_event(data):
        seen_busy.append(group_commit.busy)
        return {}

    person = make_user()
    database.session.commit()
    sio = socket_client(person)
    try:
        monkeypatch.setattr(group_commit, "_leading", True)  # a batch of casts is being written
        with ThreadPoolExecutor(1) as pool:
            ack = pool.submit(sio.emit, "test.heavy.turn", {}, callback=True)
            time.sleep(0.3)
            monkeypatch.setattr(group_commit, "_leading", False)
            assert ack.result(timeout=10) == {"ok": True}
        assert seen_busy == [False]  # it waited for the batch to end

        monkeypatch.setattr(heavy, "YIELD_SECONDS", 0.2)
        monkeypatch.setattr(group_commit, "_leading", True)  # writes that never end
        assert sio.emit("test.heavy.turn", {}, callback=True) == {"ok": True}
        assert seen_busy == [False, True]  # it ran anyway once its wait was over
    finally:
        from cabinet import realtime

        realtime._events.pop("test.heavy.turn", None)
        socketio.handlers = [h for h in socketio.handlers if h[0] != "test.heavy.turn"]
        socketio.server.handlers["/"].pop("test.heavy.turn", None)
