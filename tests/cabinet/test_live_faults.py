"""Faults around the realtime hub: a database outage gets an answer (never silence), the API
says 503 with Retry-After, both recover without a restart; emits leave only once the commit has
returned, and a disconnect handled meanwhile touches no session."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine

from cabinet import outage
from cabinet.db import db as database
from cabinet.realtime import on_commit, user_room
from tests.conftest import events_named, free_port


@contextlib.contextmanager
def database_down() -> Iterator[None]:
    """Every new session meets a database that refuses connections (a real driver error)."""
    session = database.session()
    bind = session.bind
    dead = create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/gone")
    database.session.remove()
    database.session.configure(bind=dead)
    try:
        yield
    finally:
        database.session.remove()
        database.session.configure(bind=bind)
        dead.dispose()


def test_a_socket_event_during_an_outage_answers_unavailable_then_recovers(
    socket_client, db, make_user
):
    user = make_user()
    sio = socket_client(user)
    with database_down():
        ack = sio.emit("ping.check", {}, callback=True)  # not a socket_event: no database
        assert ack == {"ok": True}
        ack = sio.emit("meeting.join", {"meeting_id": 1}, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "unavailable"
    assert "cơ sở dữ liệu" in ack["error"]["message"]
    assert ack["error"]["retry_after"] > 0
    after = sio.emit("meeting.join", {"meeting_id": 10**6}, callback=True)
    assert after["error"]["code"] == "not_found"  # the database answers again


def test_the_api_answers_503_problem_json_with_retry_after(client, login, db, make_user):
    login(make_user())
    with database_down():
        response = client.get("/api/v1/meetings")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"].isdigit()
    assert response.get_json()["code"] == "unavailable"
    assert client.get("/api/v1/meetings").status_code == 200


def test_health_is_live_during_an_outage_and_readiness_is_not(client, db):
    with database_down():
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"]["database"]["ok"] is False
    assert client.get("/readyz").get_json()["checks"]["database"]["ok"] is True


def test_what_waits_for_the_commit_runs_after_it_has_returned(socket_client, db, make_user):
    user = make_user()
    sio = socket_client(user)
    seen = []

    def after() -> None:
        # What an emit to a vanished socket used to do (the disconnect handler's remove()):
        # inside the commit it raised IllegalStateChangeError.
        seen.append(database.session().in_transaction())
        database.session.close()

    on_commit(after)
    from cabinet.realtime import emit_after_commit

    emit_after_commit("thing.changed", {"n": 1}, room=user_room(user.id))
    database.session.commit()
    assert seen == [False]
    assert events_named(sio, "thing.changed") == [{"n": 1}]


def test_a_disconnect_inside_an_after_commit_step_leaves_the_session_alone(
    socket_client, db, make_user
):
    from cabinet.extensions import socketio

    user = make_user()
    sio = socket_client(user)
    sessions = []

    def drop_socket() -> None:
        before = database.session()
        for sid, _ in list(socketio.server.manager.get_participants("/", user_room(user.id))):
            socketio.server.disconnect(sid, namespace="/")
        sessions.append(database.session() is before)

    on_commit(drop_socket)
    database.session.commit()
    assert sessions == [True] and not sio.is_connected()


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_are_public_json(client, db, path):
    response = client.get(path)
    assert response.status_code == 200 and response.is_json


def test_a_background_round_during_an_outage_logs_one_line_not_a_traceback(db, caplog):
    """The vote progress flusher (a background task) meets the outage: the operator reads one
    line saying the database is unavailable; any other failure still logs its traceback."""
    from voting.polls.progress import progress_flusher

    rounds, interval = progress_flusher.idle_rounds, progress_flusher.interval
    progress_flusher.idle_rounds, progress_flusher.interval = 1, 0.01
    try:
        with caplog.at_level(logging.ERROR), database_down():
            progress_flusher._dirty[10**6] = 1
            progress_flusher._run()  # one round, then idle: it returns
        (outage_line,) = [r for r in caplog.records if r.name == "voting.polls.progress"]
        assert outage_line.getMessage() == (
            "vote progress flush failed: database unavailable (OperationalError)"
        )
        assert outage_line.exc_info is None

        caplog.clear()
        with caplog.at_level(logging.ERROR):
            outage.log_failure(logging.getLogger("x"), "round failed", ValueError("bad value"))
        assert caplog.records[0].exc_info is not None  # not an outage: the traceback
    finally:
        progress_flusher.idle_rounds, progress_flusher.interval = rounds, interval
        progress_flusher._dirty.clear()
