"""The PostgreSQL pool's check on checkout (`cabinet.db.make_engine`): a pooled connection that
the server has closed is replaced without an error reaching the caller, and a live one is handed
out without a round trip to the server (`pool_pre_ping` sent an empty statement, `;`, for every
request, event and batch)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from cabinet.db import make_engine
from tests.conftest import BACKEND, PG_URL

pytestmark = pytest.mark.skipif(
    BACKEND != "postgres",
    reason="the check reads a PostgreSQL connection's socket: runs in the PostgreSQL pass",
)
_PID = text("SELECT pg_backend_pid()")


@pytest.fixture
def engines() -> Iterator[tuple[Engine, Engine]]:
    """The app's engine with a pool of one connection, and a watcher beside it."""
    engine = make_engine(PG_URL or "", (1, 0))
    watch = create_engine(PG_URL or "", poolclass=NullPool, isolation_level="AUTOCOMMIT")
    yield engine, watch
    engine.dispose()
    watch.dispose()


def _last_statement(watch: Engine, pid: int) -> str | None:
    with watch.connect() as conn:
        return conn.execute(
            text("SELECT query FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ).scalar()


def test_a_live_pooled_connection_is_handed_out_without_asking_the_server(engines):
    engine, watch = engines
    with engine.connect() as conn:
        pid = conn.execute(_PID).scalar()
    before = _last_statement(watch, pid)
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1 + 1")).scalar() == 2
            after_checkout = _last_statement(watch, pid)
    assert before == "ROLLBACK"  # what the pool's return left
    # nothing reached the server between the return and the statement of the next checkout
    assert after_checkout == "SELECT 1 + 1"
    with engine.connect():
        pass
    assert _last_statement(watch, pid) == "ROLLBACK"  # no ping at the last checkout either


def test_a_connection_the_server_closed_is_replaced_on_checkout(engines):
    engine, watch = engines
    with engine.connect() as conn:
        pid = conn.execute(_PID).scalar()
    with watch.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    deadline = time.monotonic() + 10
    while _last_statement(watch, pid) is not None and time.monotonic() < deadline:
        time.sleep(0.02)  # the backend is gone once pg_stat_activity no longer lists it
    with engine.connect() as conn:  # no error: the dead connection was replaced
        assert conn.execute(_PID).scalar() != pid
        assert conn.execute(text("SELECT 2")).scalar() == 2
