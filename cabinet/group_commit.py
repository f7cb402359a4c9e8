"""Group commit: units of work that arrive together share one transaction and one commit.

The unit of work of one request commits once (`cabinet.db.run_unit_of_work`). When hundreds
of tablets cast at the same instant, a commit (and the audit chain's head row, which every
transaction that audits updates) per cast makes them wait for each other, one by one. Here
the units that arrive while a batch is being written are queued; the first of them leads:
it takes the whole queue, runs each unit in its own savepoint of one transaction, commits once
(one audit-chain head update for the batch, each unit its own chained entry, in order), then
hands every unit its result. A lone unit is hardly delayed: it finds the queue empty, yields
for a millisecond (so that the events that arrived with it join), and leads its batch. Units
that arrive while a batch is written form the next batch, led by the first of them.

Same guarantees as `run_unit_of_work`, per unit:

* a unit's result is handed back only after the commit that holds its writes;
* a unit that raises a `DomainError` (a refusal) is rolled back to its savepoint, answered
  with its error, and the others of the batch commit without it;
* when anything else goes wrong (the commit fails, a statement breaks the transaction,
  SQLite is busy), nothing of the batch is kept and each unit that was not refused runs again
  alone, through `run_unit_of_work` — it is answered by that run, never by the failed batch.

Each unit runs in the leader's greenlet (one database session for the batch) but inside a
copy of its own caller's context (`contextvars`): its request, its signed-in person, its
remote address are its own. Units must therefore be idempotent up to their commit, which
every service is (nothing leaves before the commit: emits and mail wait for it).

A unit may **stage** a row instead of inserting it (`stage_insert`): the batch writes the
staged rows of a table in one statement before its commit (on PostgreSQL one round trip for
the whole batch instead of one per cast). A staged row with a unique key is inserted unless
the key is stored already (`ON CONFLICT DO NOTHING … RETURNING` the key); when one was stored
after all (a resend that reached another process, or a concurrent transaction), the batch
fails as any batch does and each unit runs again alone, inserting at once. Keys this process
has committed are remembered, so a resend here inserts at once and finds its row.
"""

from __future__ import annotations

import contextvars
import functools
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from flask import g, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from cabinet.db import (
    commit_queue,
    db,
    insert_unless_present,
    run_unit_of_work,
    take_queue,
    transaction_marks,
)
from cabinet.errors import DomainError

T = TypeVar("T")

#: At most this many units per transaction: beyond it the first acks would wait for the last
#: (a burst of 50 on the loaded bench machine came back as one batch, every ack at the end).
#: 64 since the casts' rows are staged (a batch costs a few statements, not a few per cast):
#: 500 casts on PostgreSQL were last acked after ~365 ms against ~420 ms with 32, the median
#: ack unchanged (two alternations of three rounds, bench/tablets); SQLite within its noise.
#: 128 since a batch's rows go in one executemany each: 500 casts on PostgreSQL, one worker,
#: three alternations of three rounds, last ack medians sealed ~304 → ~275 ms, open ~290 →
#: ~240 ms (256: ~225 ms, but 500 acks in two waves); the acks still come in four waves.
MAX_BATCH = 128
#: How long a new leader lets the units that arrive with it join its batch. Under gevent a
#: greenlet that never waits (SQLite statements do not) would otherwise run its unit before
#: the other events already received were even read: every batch would be a batch of one.
GATHER_SECONDS = 0.001
#: Unique keys of staged rows this process committed, remembered (newest last) so that a
#: resend is inserted at once rather than staged to fail its batch.
WRITTEN_KEYS = 20_000

_STAGING = "ecabinet.group_commit"  # session.info: the GroupCommit writing a batch, if any
_KEPT = "ecabinet.group_commit.kept"  # session.info: what the batch's units loaded
_STAGED = "group_commit.staged"  # commit queue: (table, unique, key, row) in staging order


@dataclass
class _Unit(Generic[T]):
    work: Callable[[], T]
    context: contextvars.Context
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # set (with `done`) when this unit must lead the next batch
    finished: bool = False
    result: Any = None
    error: BaseException | None = None
    refused: bool = False  # the error is a refusal from the batch: final, not retried
    savepoint: bool = True  # False: the unit refuses before it writes (checked)


@dataclass
class BatchStats:
    """What the batches did (tests and benches read it; counters only)."""

    batches: int = 0
    units: int = 0
    largest: int = 0
    retried: int = 0

    def reset(self) -> None:
        """Back to zero."""
        self.batches = self.units = self.largest = self.retried = 0


class GroupCommit:
    """A per-process queue of units of work, drained in batches by whichever caller leads."""

    def __init__(self, max_batch: int = MAX_BATCH, gather: float = GATHER_SECONDS) -> None:
        self.max_batch = max_batch
        self.gather = gather
        self.stats = BatchStats()
        self._queue: deque[_Unit[Any]] = deque()
        self._lock = threading.Lock()
        self._leading = False
        self._written: OrderedDict[tuple[Any, ...], None] = OrderedDict()

    @property
    def busy(self) -> bool:
        """Units are queued or a batch is being written (other work may stand aside)."""
        return self._leading or bool(self._queue)

    def run(self, work: Callable[[], T], *, savepoint: bool = True) -> T:
        """Run `work` in the next batch and return its result once that batch is committed
        (or raise its error). Blocks the calling greenlet/thread only.

        `savepoint=False`: `work` refuses (raises a `DomainError`) before it writes anything,
        so it needs no savepoint of its own (two statements, and on PostgreSQL two round
        trips, per unit). Checked: a unit that refuses after all, having left writes, pending
        objects or queued work in the batch's transaction, fails the batch, whose units then
        run again alone, as when any statement fails."""
        _release_connection()
        unit: _Unit[T] = _Unit(work, contextvars.copy_context(), savepoint=savepoint)
        with self._lock:
            self._queue.append(unit)
            leads = not self._leading
            if leads:
                self._leading = True
        if leads:
            time.sleep(self.gather)  # yields: the events read meanwhile queue up behind
        while not leads:
            unit.done.wait()
            if unit.finished:
                break
            unit.done.clear()
            leads = unit.lead  # the previous leader handed the queue over (they queued already)
        if leads:
            self._lead()
        if unit.error is not None:
            raise unit.error
        return unit.result  # type: ignore[no-any-return]

    def _lead(self) -> None:
        with self._lock:
            batch = [self._queue.popleft() for _ in range(min(len(self._queue), self.max_batch))]
        try:
            self._write(batch)
        finally:
            with self._lock:
                following = self._queue[0] if self._queue else None
                self._leading = following is not None
            for unit in batch:
                unit.finished = True
                unit.done.set()
            if following is not None:
                following.lead = True
                following.done.set()

    def _write(self, batch: list[_Unit[Any]]) -> None:
        self.stats.batches += 1
        self.stats.units += len(batch)
        self.stats.largest = max(self.stats.largest, len(batch))
        session = db.session
        staged: list[tuple[Any, ...]] = []
        try:
            _begin_write()
            session.info[_STAGING] = self
            session.info[_KEPT] = []  # what the units load, kept for the batch (`_keep`)
            try:
                for unit in batch:
                    try:
                        if unit.savepoint:
                            with session.begin_nested():
                                unit.result = unit.context.run(_in_batch, unit.work)
                        else:
                            _run_refusing_first(session, unit)
                    except DomainError as error:  # refused: its savepoint is rolled back
                        unit.error, unit.refused = error, True
                staged = _write_staged(session)
            finally:
                session.info.pop(_STAGING, None)
                session.info.pop(_KEPT, None)
            session.commit()
        except BaseException as error:
            session.rollback()
            if len(batch) == 1 and not batch[0].refused:
                # Alone: the same retry as any unit of work (SQLite's busy snapshot); a unit
                # that refused after writing runs again in its own transaction, to refuse there,
                # and one whose staged key was stored already, to find it.
                again = isinstance(error, (RefusedAfterWriting, KeyStoredAlready))
                self._retry(batch[0], first_error=None if again else error)
                return
            for unit in batch:
                unit.result = None
                if not unit.refused:
                    self._retry(unit)
            return
        self._remember(staged)

    def knows(self, key: tuple[Any, ...]) -> bool:
        """This process committed a staged row with this unique key."""
        return key in self._written

    def _remember(self, keys: list[tuple[Any, ...]]) -> None:
        with self._lock:
            for key in keys:
                self._written[key] = None
            while len(self._written) > WRITTEN_KEYS:
                self._written.popitem(last=False)

    def _retry(self, unit: _Unit[Any], first_error: BaseException | None = None) -> None:
        """Run one unit alone, in its own transaction; its outcome is that run's."""
        if first_error is not None and not _may_retry(first_error):
            unit.error = first_error
            return
        self.stats.retried += 1
        try:
            unit.result = unit.context.run(
                run_unit_of_work, functools.partial(_in_batch, unit.work)
            )
            unit.error = None
        except BaseException as error:  # handed to the unit's own caller
            unit.result, unit.error = None, error


def _release_connection() -> None:
    """A caller parks holding no database connection.

    What it read before (its signed-in person) stays loaded (`expire_on_commit=False`). Were it
    to keep its connection while it waits, a pool's worth of parked callers would leave the
    leader none to write their batch with: each waits for the other until the pool's timeout
    (seen on PostgreSQL: a burst of 500 casts stalled for 30 s, then every cast failed).
    A caller that has no session holds no connection: none is made for it (a session made
    only to be asked was 3 % of a burst's CPU)."""
    if not db.session.registry.has():
        return
    session = db.session()
    if session.in_transaction():
        session.commit()


class RefusedAfterWriting(RuntimeError):
    """A unit declared to refuse before writing refused with something in the transaction."""


class KeyStoredAlready(RuntimeError):
    """A staged row's unique key was stored already: the batch's units run again alone."""


def stage_insert(table: Any, row: dict[str, Any], unique: tuple[str, ...] = ()) -> bool:
    """Leave `row` for the batch to insert into `table` with the other units' rows, before
    its commit; True when it was staged. False outside a batch, and for a key this process
    committed already or staged in this batch (a resend): the caller inserts at once, and
    finds the row that is there (this batch's staged rows are written first).

    `unique`: the columns of a unique key (a conflict on it fails the batch, whose units then
    run again alone); none for a row that cannot conflict (a random primary key)."""
    session = db.session()
    batch: GroupCommit | None = session.info.get(_STAGING)
    if batch is None:
        return False
    key = (table.name, *(row[name] for name in unique)) if unique else None
    queue = commit_queue(_STAGED)
    if key is not None and (batch.knows(key) or any(key == item[2] for item in queue)):
        _write_staged(session)
        return False
    queue.append((table, unique, key, row))
    return True


def _write_staged(session: Any) -> list[tuple[Any, ...]]:
    """Insert the staged rows, one statement per table; their unique keys (remembered once
    the batch commits). Raises `KeyStoredAlready` when one of them was stored already."""
    staged = take_queue(session, _STAGED)
    if not staged:
        return []
    connection = session.connection()
    groups: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for table, unique, key, row in staged:
        groups.setdefault((table, unique), []).append((key, row))
    written: list[tuple[Any, ...]] = []
    for (table, unique), items in groups.items():
        rows = [row for _, row in items]
        if not unique:
            connection.execute(table.insert(), rows)
            continue
        # Each row its own `INSERT … ON CONFLICT DO NOTHING`, pipelined by the driver, and the
        # total row count: on PostgreSQL half the CPU of one multi-row statement that returns
        # the keys it inserted (64 rows: 1.1 against 2.5 ms), and all the batch needs to know.
        statement = _staged_insert(table, unique, connection.dialect.name)
        inserted = connection.execute(statement, rows).rowcount
        if inserted != len(rows):
            raise KeyStoredAlready(f"{table.name}: {len(rows) - inserted} of {len(rows)}")
        written.extend(key for key, _ in items)
    return written


@functools.cache
def _staged_insert(table: Any, unique: tuple[str, ...], dialect: str) -> Any:
    return insert_unless_present(table, *unique, dialect=dialect)


def _run_refusing_first(session: Any, unit: _Unit[Any]) -> None:
    before = transaction_marks(session)
    try:
        unit.result = unit.context.run(_in_batch, unit.work)
    except DomainError as error:
        if transaction_marks(session) != before:
            raise RefusedAfterWriting(f"{type(error).__name__} after writing") from error
        raise


def _in_batch(work: Callable[[], T]) -> T:
    """Run a unit in its caller's context; whatever the unit reads goes through the leader's
    connection only. Its signed-in person is used as it is when it is the socket's detached
    copy (`cabinet.auth.socket_identity`: columns and roles loaded; nothing can load through
    it, so a mistake fails loudly instead of reading on another connection); one attached to
    the event's own session (the socket's first event) is merged into the batch's. Merging
    every copy cost a cast a seventh of its CPU (a new person and new role rows per cast)."""
    person = g.get("_login_user") if has_app_context() else None
    if person is not None:
        state = inspect(person, raiseerr=False)
        if state is not None and not state.detached:
            g._login_user = db.session.merge(person, load=False)
    return work()


@event.listens_for(Session, "loaded_as_persistent")
def _keep(session: Session, instance: object) -> None:
    """The session's identity map holds its objects weakly: what one unit of a batch loaded
    (the vote, its meeting) was dropped when that unit returned and read again by the next,
    one SELECT per cast. Kept until the batch ends, it is read once per batch."""
    kept = session.info.get(_KEPT)
    if kept is not None:
        kept.append(instance)


def _may_retry(error: BaseException) -> bool:
    from sqlalchemy.exc import OperationalError

    return isinstance(error, OperationalError) and "locked" in str(error) and not db.is_postgres


def _begin_write() -> None:
    """SQLite: an explicit transaction, taking the write lock first.

    pysqlite only opens a transaction before a write, so the batch's first SAVEPOINT would open
    one of its own and its RELEASE would commit every unit separately. `BEGIN IMMEDIATE` makes
    the batch one transaction and takes the write lock before the batch reads: the reads and the
    writes see the same snapshot, and no unit fails later on upgrading to a writer.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


#: The process's queue for the events that write in bursts (votes being cast).
group_commit = GroupCommit()
