"""Staged inserts (`cabinet.group_commit.stage_insert`): the rows of a batch's units written by
one statement per table before the batch's commit, on SQLite or PostgreSQL.

What must hold: one INSERT for the batch, not one per unit; every unit answered only after the
commit that holds its row; a key stored already (another process, a resend) never doubled and
never lost — the batch fails and each unit runs alone, finding the row; a key staged twice in
one batch, or committed earlier by this process, inserted once, found by the second.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from cabinet.audit.services import verify_chain
from cabinet.auth.models import LoginFailure
from cabinet.db import db, insert_unless_present
from cabinet.group_commit import stage_insert
from tests.cabinet.test_group_commit import Burst, committed_units, statements_starting
from tests.cabinet.test_group_commit import unit as recording

TABLE = LoginFailure.__table__
BASE = 9_000  # row ids of this test's units: BASE + the unit's key


def stages(i: int, key: int) -> Callable[[], str]:
    """A unit that audits and stages a row with primary key BASE + `key`; alone (or when told
    not to stage) it inserts at once, unless the key is there. Its answer says which."""

    def work() -> str:
        recording(i)()
        row = {"id": BASE + key, "key": f"unit:{i}"}
        if stage_insert(TABLE, row, ("id",)):
            return "staged"
        statement = insert_unless_present(LoginFailure, "id")
        inserted = db.session.connection().execute(statement, row).rowcount
        return "inserted" if inserted == 1 else "found"

    return work


def stored() -> dict[int, list[str]]:
    """This test's rows, committed: key → the units that wrote one (read on its own connection)."""
    with db.engine.connect() as connection:
        rows = connection.execute(select(LoginFailure.id, LoginFailure.key).order_by("id"))
        found: dict[int, list[str]] = {}
        for ident, key in rows:
            if ident >= BASE:
                found.setdefault(ident - BASE, []).append(key)
        return found


@pytest.fixture
def inserts(app):
    """The INSERTs into the staged table run by the burst's threads."""
    yield from statements_starting("INSERT INTO LOGIN_FAILURES")


def test_a_batch_inserts_its_units_staged_rows_with_one_statement(app, committed_db, inserts):
    burst = Burst(app, {i: stages(i, i) for i in range(1, 6)}, savepoint=False)
    outcome = burst.run()

    # Each unit answered after the commit that holds its row (and its audit entry).
    assert outcome == {0: ("ok", 0, True)} | {i: ("ok", "staged", True) for i in range(1, 6)}
    assert len(inserts) == 1 and burst.batcher.stats.retried == 0
    assert stored() == {i: [f"unit:{i}"] for i in range(1, 6)}
    assert verify_chain(db.session).ok


def test_a_staged_key_stored_already_fails_the_batch_whose_units_run_alone(
    app, committed_db, inserts
):
    """Unit 3's key was committed by someone this process does not know of (another worker
    took the resend): the batch's statement inserts the others and returns one key short, so
    the batch is rolled back and each unit runs alone — 3 finds its row, none is doubled."""
    with db.engine.begin() as connection:
        connection.execute(TABLE.insert(), {"id": BASE + 3, "key": "elsewhere"})

    burst = Burst(app, {i: stages(i, i) for i in range(1, 5)}, savepoint=False)
    outcome = burst.run()

    assert outcome[3] == ("ok", "found", True)
    assert {i: outcome[i] for i in (1, 2, 4)} == {i: ("ok", "inserted", True) for i in (1, 2, 4)}
    assert burst.batcher.stats.retried == 4
    assert stored() == {1: ["unit:1"], 2: ["unit:2"], 3: ["elsewhere"], 4: ["unit:4"]}
    assert sorted(committed_units()) == [0, 1, 2, 3, 4]  # the failed batch left no entry
    assert verify_chain(db.session).ok


def test_a_key_staged_twice_in_one_batch_is_inserted_once(app, committed_db, inserts):
    """A tablet's cast and its resend in the same batch: the second finds the first's row."""
    burst = Burst(app, {1: stages(1, 1), 2: stages(2, 1), 3: stages(3, 3)}, savepoint=False)
    outcome = burst.run()

    assert [outcome[i][:2] for i in (1, 2, 3)] == [
        ("ok", "staged"),
        ("ok", "found"),
        ("ok", "staged"),
    ]
    assert burst.batcher.stats.retried == 0
    assert stored() == {1: ["unit:1"], 3: ["unit:3"]}


def test_a_key_this_process_committed_is_inserted_at_once_and_found(app, committed_db, inserts):
    first = Burst(app, {1: stages(1, 1), 2: stages(2, 2)}, savepoint=False)
    assert first.run()[1] == ("ok", "staged", True)

    again = Burst(app, {3: stages(3, 1), 4: stages(4, 4)}, savepoint=False)
    again.batcher = first.batcher  # the same process's queue, which remembers what it wrote
    outcome = again.run()

    assert outcome[3] == ("ok", "found", True) and outcome[4] == ("ok", "staged", True)
    assert first.batcher.stats.retried == 0
    assert stored() == {1: ["unit:1"], 2: ["unit:2"], 4: ["unit:4"]}


def test_outside_a_batch_nothing_is_staged(app, committed_db):
    assert stage_insert(TABLE, {"id": BASE, "key": "alone"}, ("id",)) is False
    db.session.rollback()
    with db.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(TABLE)) == 0
