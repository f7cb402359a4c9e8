"""The harness itself: a `db` test's writes are undone after it, and only then.

The app's background tasks (the room screen pusher, the vote progress flusher, a live server's
request) open sessions of their own while a test runs. Bound to the test's connection, such a
session rolled back to its own savepoint when it closed, and took every write the test had made
since with it: CI once saw 16 of 27 members checked in, and a vote refused for want of a quorum.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from cabinet.db import db
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
