"""The harness itself: a `db` test's writes are undone after it, and only then.

The app's background tasks (the room screen pusher, the vote progress flusher, a live server's
request) open sessions of their own while a test runs. Bound to the test's connection, such a
session rolled back to its own savepoint when it closed, and took every write the test had made
since with it: CI once saw 16 of 27 members checked in, and a vote refused for want of a quorum.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

from cabinet.db import Base, db
from cabinet.users.models import User


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def test_a_background_task_session_leaves_the_tests_writes_alone(app, db, make_user):
    first = make_user()
    db.session.flush()
    queried, closing = threading.Event(), threading.Event()
    seen: list[User | None] = []

    def background_task() -> None:  # as the pusher does: read, then remove the session
        with app.app_context():
            seen.append(db.session.scalar(select(User).where(User.email == first.email)))
            queried.set()
            closing.wait(10)
            db.session.remove()

    worker = threading.Thread(target=background_task)
    worker.start()
    assert queried.wait(10)
    make_user()  # written after the task's session began
    db.session.flush()
    closing.set()
    worker.join(10)

    assert count_users() == 2
    assert seen == [None]  # the task reads committed data only, never the test's open transaction


def test_the_sweep_after_a_committing_test_survives_a_deadlock_with_a_background_read(
    app, committed_db, make_user
):
    """CI once lost a run here: a test ended while the room screen pusher was inside a read,
    the sweep's TRUNCATE and that read locked the same tables in opposite orders, and
    PostgreSQL aborted the sweep. Here a reader holds the last table the sweep locks and then
    asks for the first one, while the sweep waits for the last."""
    from tests.conftest import truncate_all

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no table locks to deadlock on: the sweep never waits")
    make_user()
    db.session.commit()
    tables = [t.name for t in Base.metadata.sorted_tables]
    failures: list[BaseException] = []

    def sweep() -> None:
        try:
            with app.app_context():
                truncate_all()
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)

    with db.engine.connect() as reader:
        reader.exec_driver_sql("SET LOCAL deadlock_timeout = '60s'")  # the sweep notices first
        reader.exec_driver_sql(f'SELECT count(*) FROM "{tables[-1]}"')
        sweeper = threading.Thread(target=sweep)
        sweeper.start()
        waiting = text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND query LIKE 'TRUNCATE%'"
        )
        # pg_stat_activity is read once per transaction: the watcher looks in a fresh one each time.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
            deadline = time.monotonic() + 30
            while not watcher.scalar(waiting) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert watcher.scalar(waiting), (failures, "the sweep never waited for the reader")
        reader.exec_driver_sql(f'SELECT count(*) FROM "{tables[0]}"')  # the deadlock
        reader.commit()
    sweeper.join(30)

    assert not sweeper.is_alive()
    assert failures == []
    assert count_users() == 0
