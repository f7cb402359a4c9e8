"""The end-to-end story's cast: a five-member cabinet with real names, signing keystores for the
secretary and the chair, the test SMTP server, and helpers that run pyHanko and the CLI."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import expect

from cabinet.db import db
from tests.records.conftest import PASSPHRASES, demo_ca, issue_keystore
from tests.voting.ballots.conftest import smtp_server  # noqa: F401  (the real SMTP server)

# Who is who in the story (the factory's people, renamed so the screenshots read naturally):
# name, title, ministry.
NAMES = {
    "chair": ("Trần Quốc Hưng", "Thủ tướng", "Chính phủ"),
    "absent": ("Nguyễn Văn Bình", "Bộ trưởng", "Bộ Ngoại giao"),
    "a": ("Lê Minh An", "Bộ trưởng", "Bộ Tài chính"),
    "b": ("Phạm Thu Hà", "Bộ trưởng", "Bộ Tư pháp"),
    "c": ("Đỗ Quang Vinh", "Bộ trưởng", "Bộ Xây dựng"),
    "deputy": ("Hoàng Thị Lan", "Thứ trưởng", "Bộ Ngoại giao"),
    "secretariat": ("Nguyễn Thị Thu", "Vụ trưởng", "Văn phòng Chính phủ"),
}


@pytest.fixture
def cast(committed_db, make_cabinet) -> SimpleNamespace:
    """Chair + four members (one with a designated deputy), secretariat; keystores issued."""
    cab = make_cabinet(n=5, deputies=1)
    people = {
        "chair": cab.chair,
        "absent": cab.members[1],
        "a": cab.members[2],
        "b": cab.members[3],
        "c": cab.members[4],
        "deputy": cab.deputies[0],
        "secretariat": cab.secretariat,
    }
    for key, (name, title, ministry) in NAMES.items():
        people[key].name, people[key].title, people[key].ministry = name, title, ministry
    db.session.commit()
    issue_keystore(cab.secretariat, PASSPHRASES["secretary"])
    issue_keystore(cab.chair, PASSPHRASES["chair"])
    return SimpleNamespace(**people, cabinet=cab, passphrases=PASSPHRASES, ca=demo_ca())


@pytest.fixture
def longer_expect() -> Iterator[None]:
    """UI waits of the story allow for a busy machine (still waits on states, never sleeps)."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


def in_thread(app: Any, fn: Callable[..., Any], *args: Any) -> Any:
    """Run `fn` in its own thread and app context: pyHanko validates through asyncio.run, which
    cannot nest inside the event loop Playwright's sync API runs in this thread."""
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                results.append(fn(*args))
            except BaseException as exc:  # re-raised in the test's thread
                errors.append(exc)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


def run_cli(app: Any, *args: str) -> Any:
    """`flask cabinet <args>` in-process (what cron runs on a server); fails on a non-zero exit."""
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["cabinet", *args])
    db.session.remove()
    assert result.exit_code == 0, (result.output, result.exception)
    return result
