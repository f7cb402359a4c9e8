"""Group commit (`cabinet.group_commit`): units of work that arrive together share one commit.

Real commits from parallel threads (`committed_db`), on SQLite or PostgreSQL. A gate holds the
first unit inside its batch so that the next units queue up behind it and form one batch of
their own; every unit checks, from a separate connection, that its write is committed at the
moment its result is handed back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event, select

from cabinet.audit import record
from cabinet.audit.models import AuditEntry
from cabinet.audit.services import verify_chain
from cabinet.auth.models import LoginFailure
from cabinet.db import db, insert_unless_present
from cabinet.errors import Conflict
from cabinet.group_commit import GroupCommit, stage_insert
from cabinet.users.models import User

ACTION = "test.batched"
UNIT_THREAD = "group-commit-unit"  # the name of each burst's threads


def committed_units() -> list[int]:
    """The units whose audit entry is committed (read on a connection of its own), by seq."""
    with db.engine.connect() as connection:
        rows = connection.execute(
            select(AuditEntry.data).where(AuditEntry.action == ACTION).order_by(AuditEntry.seq)
        )
        return [data["i"] for (data,) in rows]


def unit(i: int, *, fail: Callable[[], None] | None = None) -> Callable[[], int]:
    def work() -> int:
        record(ACTION, data={"i": i}, actor=None)
        if fail is not None:
            fail()
        return i

    return work


def wait_until(condition: Callable[[], bool]) -> None:
    done = threading.Event()
    for _ in range(3000):  # a condition, polled; the bound is generous (30 s)
        if condition():
            return
        done.wait(0.01)
    raise AssertionError("condition never became true")


class Burst:
    """A first unit held inside its batch, then `units` queued behind it, then released."""

    def __init__(
        self, app: Any, units: dict[int, Callable[[], int]], *, savepoint: bool = True
    ) -> None:
        self.app, self.units, self.savepoint = app, units, savepoint
        self.batcher = GroupCommit()
        self.outcome: dict[int, tuple[str, Any, bool]] = {}
        self.gate, self.entered = threading.Event(), threading.Event()

    def first(self) -> int:
        self.entered.set()
        assert self.gate.wait(30)
        record(ACTION, data={"i": 0}, actor=None)
        return 0

    def _submit(self, i: int, work: Callable[[], int]) -> threading.Thread:
        def go() -> None:
            with self.app.app_context():
                try:
                    result = self.batcher.run(work, savepoint=self.savepoint)
                except Exception as error:  # noqa: BLE001 (the outcome is asserted)
                    self.outcome[i] = ("error", error, i in committed_units())
                else:
                    self.outcome[i] = ("ok", result, i in committed_units())

        thread = threading.Thread(target=go, name=f"{UNIT_THREAD}-{i}")
        thread.start()
        return thread

    def run(self) -> dict[int, tuple[str, Any, bool]]:
        threads = [self._submit(0, self.first)]
        assert self.entered.wait(30)
        threads += [self._submit(i, work) for i, work in self.units.items()]
        wait_until(lambda: len(self.batcher._queue) == len(self.units))
        self.gate.set()
        for thread in threads:
            thread.join(60)
        return self.outcome


def statements_starting(prefix: str) -> Iterator[list[str]]:
    """The statements that start with `prefix` run meanwhile by the burst's threads (not by
    the app's background threads, which share the engine)."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args: Any) -> None:
        if not threading.current_thread().name.startswith(UNIT_THREAD):
            return
        if statement.lstrip().upper().startswith(prefix):
            seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def head_updates(app):
    """How many statements updated the audit chain's head."""
    yield from statements_starting("UPDATE AUDIT_HEAD")


def test_units_arriving_together_share_one_commit_each_answered_after_it(
    app, committed_db, head_updates
):
    burst = Burst(app, {i: unit(i) for i in range(1, 5)})
    outcome = burst.run()

    # Every unit got its own result, and its write was committed when it got it.
    assert outcome == {i: ("ok", i, True) for i in range(5)}
    # The held unit alone, then the four that queued behind it, together.
    stats = burst.batcher.stats
    assert (stats.batches, stats.units, stats.largest, stats.retried) == (2, 5, 4, 0)
    # One head update per batch (two statements each), not one per unit.
    assert len(head_updates) == 4
    # Each unit its own entry, chained in order, none twice.
    assert sorted(committed_units()) == [0, 1, 2, 3, 4]
    assert verify_chain(db.session).ok


def test_a_refused_unit_does_not_take_the_others_of_its_batch_down(app, committed_db):
    def refuse() -> None:
        raise Conflict("refused")

    burst = Burst(app, {1: unit(1), 2: unit(2, fail=refuse), 3: unit(3), 4: unit(4)})
    outcome = burst.run()

    assert outcome[2][0] == "error" and isinstance(outcome[2][1], Conflict)
    assert outcome[2][2] is False  # its write was rolled back with its savepoint
    assert {i: outcome[i] for i in (0, 1, 3, 4)} == {i: ("ok", i, True) for i in (0, 1, 3, 4)}
    assert burst.batcher.stats.retried == 0  # a refusal is an answer, not a failure
    assert sorted(committed_units()) == [0, 1, 3, 4]


def test_a_broken_batch_is_rolled_back_and_its_units_run_again_alone(app, committed_db):
    """A unit that breaks the transaction (not a refusal): nothing of the batch is kept and each
    unit runs again in a transaction of its own; every one answered by its own run, none lost,
    none doubled."""
    runs = {"flaky": 0}

    def flaky() -> None:  # breaks the batch, then succeeds alone
        runs["flaky"] += 1
        if runs["flaky"] == 1:
            raise RuntimeError("transient")

    def broken() -> None:
        raise RuntimeError("always")

    burst = Burst(app, {1: unit(1), 2: unit(2, fail=flaky), 3: unit(3, fail=broken), 4: unit(4)})
    outcome = burst.run()

    assert outcome[3][0] == "error" and str(outcome[3][1]) == "always" and outcome[3][2] is False
    assert {i: outcome[i] for i in (0, 1, 2, 4)} == {i: ("ok", i, True) for i in (0, 1, 2, 4)}
    assert burst.batcher.stats.retried == 4  # the four units of the broken batch, alone
    assert sorted(committed_units()) == [0, 1, 2, 4]
    assert verify_chain(db.session).ok


def test_a_lone_unit_leads_its_own_batch_at_once(app, committed_db):
    batcher = GroupCommit()
    assert batcher.run(unit(7)) == 7
    assert committed_units() == [7]
    assert (batcher.stats.batches, batcher.stats.largest) == (1, 1)


def test_callers_parked_behind_a_leader_leave_it_a_connection(app, committed_db, monkeypatch):
    """A leader that has no connection yet, and a pool's worth of callers that each read
    something (their person, say) before they queue behind it: the leader must still get a
    connection for their batch. Before the fix each parked caller kept its connection, the
    leader waited for the pool until its timeout, and every unit failed (PostgreSQL bench:
    a burst of 500 casts stalled for 30 s)."""
    pool = db.engine.pool  # a QueuePool on both backends (SQLite files too)
    monkeypatch.setattr(pool, "_timeout", 5)  # a deadlock shows in seconds, not in 30
    capacity = pool.size() + max(pool._max_overflow, 0)
    batcher = GroupCommit(gather=1.0)  # the leader waits a second for the others to queue
    outcome: dict[int, str] = {}

    def caller(i: int, *, reads_first: bool) -> None:
        with app.app_context():
            try:
                if reads_first:  # holds a connection from here on, as a cast's caller did
                    db.session.execute(select(1))
                batcher.run(unit(i))
                outcome[i] = "ok"
            except Exception as error:  # noqa: BLE001 (the outcome is asserted)
                outcome[i] = type(error).__name__

    leader = threading.Thread(target=caller, args=(0,), kwargs={"reads_first": False})
    leader.start()
    wait_until(lambda: batcher._leading)
    others = [
        threading.Thread(target=caller, args=(i,), kwargs={"reads_first": True})
        for i in range(1, capacity + 1)
    ]
    for thread in others:
        thread.start()
    for thread in [leader, *others]:
        thread.join(60)
    assert outcome == {i: "ok" for i in range(capacity + 1)}
    assert sorted(committed_units()) == list(range(capacity + 1))


def refuse() -> None:
    raise Conflict("refused")


def refused_first(i: int) -> Callable[[], int]:
    """Refuses before anything: what a vote cast does when it refuses."""

    def work() -> int:
        refuse()
        return i

    return work


@pytest.fixture
def savepoints(app):
    """The SAVEPOINT statements run."""
    yield from statements_starting("SAVEPOINT")


def test_units_that_refuse_before_writing_need_no_savepoint(app, committed_db, savepoints):
    """`savepoint=False`: no SAVEPOINT per unit; a unit that refuses before it writes is
    answered with its refusal and the others of its batch commit, as with savepoints."""
    burst = Burst(app, {1: unit(1), 2: refused_first(2), 3: unit(3)}, savepoint=False)
    outcome = burst.run()

    assert outcome[2][0] == "error" and isinstance(outcome[2][1], Conflict)
    assert {i: outcome[i] for i in (0, 1, 3)} == {i: ("ok", i, True) for i in (0, 1, 3)}
    assert burst.batcher.stats.retried == 0
    assert savepoints == []
    assert sorted(committed_units()) == [0, 1, 3]
    assert verify_chain(db.session).ok


def _queues_an_audit_entry(i: int) -> None:
    record(ACTION, data={"i": i}, actor=None)


def _adds_a_row(i: int) -> None:
    db.session.add(LoginFailure(key=f"unit:{i}"))  # pending: written by the batch's commit


def _inserts_a_row(i: int) -> None:
    db.session.add(LoginFailure(key=f"unit:{i}"))
    db.session.flush()


def _stages_a_row(i: int) -> None:
    row = {"id": 5000 + i, "key": f"unit:{i}"}
    if not stage_insert(LoginFailure.__table__, row, ("id",)):  # alone: inserted at once
        db.session.execute(LoginFailure.__table__.insert(), row)


@pytest.mark.parametrize(
    "writes", [_queues_an_audit_entry, _adds_a_row, _inserts_a_row, _stages_a_row]
)
def test_a_unit_without_savepoint_that_refuses_after_writing_fails_its_batch(
    app, committed_db, writes
):
    """The check behind `savepoint=False`: a unit that refuses with something left in the
    transaction (a row written, an object pending, an audit entry queued) would have it
    committed by the others. Its batch fails instead, each unit runs again alone (its own
    transaction), the refusing one is answered with its refusal and leaves nothing."""

    def writes_then_refuses() -> int:
        writes(2)
        refuse()
        return 2

    burst = Burst(app, {1: unit(1), 2: writes_then_refuses, 3: unit(3)}, savepoint=False)
    outcome = burst.run()

    assert outcome[2][0] == "error" and isinstance(outcome[2][1], Conflict)
    assert {i: outcome[i] for i in (0, 1, 3)} == {i: ("ok", i, True) for i in (0, 1, 3)}
    assert burst.batcher.stats.retried == 3  # the batch of three, each unit alone
    assert sorted(committed_units()) == [0, 1, 3]
    with db.engine.connect() as connection:
        assert (
            connection.scalar(select(LoginFailure.id).where(LoginFailure.key == "unit:2")) is None
        )
    assert verify_chain(db.session).ok


def test_an_insert_that_found_its_key_taken_wrote_nothing(app, committed_db):
    """A cast resent with another voter's client id refuses after an INSERT … ON CONFLICT DO
    NOTHING that inserted nothing: that is not a write, the batch goes on."""
    taken = LoginFailure(key="taken")
    db.session.add(taken)
    db.session.commit()
    taken_id = taken.id

    def conflicts_then_refuses() -> int:
        statement = insert_unless_present(LoginFailure, "id").values(id=taken_id, key="again")
        assert db.session.execute(statement).rowcount == 0
        refuse()
        return 2

    burst = Burst(app, {1: unit(1), 2: conflicts_then_refuses, 3: unit(3)}, savepoint=False)
    outcome = burst.run()

    assert outcome[2][0] == "error" and isinstance(outcome[2][1], Conflict)
    assert burst.batcher.stats.retried == 0
    assert sorted(committed_units()) == [0, 1, 3]


@pytest.fixture
def selects(app):
    """The SELECT statements of the burst's threads."""
    yield from statements_starting("SELECT")


def test_what_one_unit_loaded_is_read_once_per_batch(app, committed_db, make_user, selects):
    """The session's identity map is weak: a row one unit loaded (a vote, in the casts' case)
    was dropped when that unit returned and read again by the next, once per unit. It is kept
    for the batch: read by the first unit, found by the others."""
    person = make_user(name="Người được đọc")
    committed_db.session.commit()
    person_id = person.id

    def reads(i: int) -> Callable[[], int]:
        def work() -> int:
            assert db.session.get(User, person_id) is not None
            record(ACTION, data={"i": i}, actor=None)
            return i

        return work

    outcome = Burst(app, {i: reads(i) for i in range(1, 6)}, savepoint=False).run()
    assert {i: o[:2] for i, o in outcome.items()} == {i: ("ok", i) for i in range(6)}
    users = [s for s in selects if "FROM users" in s]
    assert len(users) == 1, len(users)
