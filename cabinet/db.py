"""The database: declarative base, one scoped session per request/greenlet, and engine set-up.

Business functions flush; the request (view, socket handler, CLI command) commits once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from sqlalchemy import DateTime, Enum, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    scoped_session,
    sessionmaker,
)

from cabinet.errors import NotFound
from cabinet.pg_wait import readable

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every engine (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use cabinet.db.utcnow() or an aware value")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return as_utc(value)


class Base(DeclarativeBase):
    """Base class of every model; constraint names are stable so migrations match on both engines."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime}


class Clock:
    """The one clock of every service: real time, or a chosen moment that keeps flowing.

    The demo sets it to stage last month's session; tests may set it too. Time keeps flowing
    from the moment set, so consecutive events keep their order.
    """

    def __init__(self) -> None:
        self._offset: timedelta | None = None

    def now(self) -> datetime:
        """The current (possibly shifted) time, aware UTC."""
        real = datetime.now(UTC)
        return real if self._offset is None else real + self._offset

    def set(self, moment: datetime) -> datetime:
        """From now on, read `moment` plus the time that passes; returns `moment`."""
        self._offset = moment - datetime.now(UTC)
        return moment

    def reset(self) -> None:
        """Back to the real time."""
        self._offset = None


clock = Clock()


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (the only kind stored)."""
    return clock.now()


def str_enum(enum: type[StrEnum], name: str | None = None, *, length: int = 30) -> Enum:
    """A column type for a `StrEnum`: stored as its value in a VARCHAR, checked on write."""
    return Enum(
        enum,
        name=name or enum.__name__.lower(),
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every stored time is UTC, so make it aware again."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AppSession(Session):
    """A session that uses the current app's engine unless bound explicitly (tests bind one).

    What waits for the commit (emits, mail) runs once `commit()` has fully returned, never from
    inside it: an emit that finds a socket gone runs the disconnect handler in this greenlet, and
    that must not meet a session in the middle of its commit.
    """

    def commit(self) -> None:
        """Commit, then run the callbacks the commit released (`after_commit_returned`)."""
        super().commit()
        for callback in self.info.pop(COMMITTED, []):
            callback()

    def get_bind(self, mapper: Any = None, clause: Any = None, **kw: Any) -> Any:
        if self.bind is not None:
            return self.bind
        if has_app_context() and "ecabinet.engine" in current_app.extensions:
            return current_app.extensions["ecabinet.engine"]
        return db.engine


class Database:
    """Holds the engines (one per app) and the scoped session; bound to an app by `init_app`."""

    def __init__(self) -> None:
        self._last_engine: Engine | None = None
        self.session: scoped_session[Session] = scoped_session(
            sessionmaker(class_=AppSession, expire_on_commit=False)
        )

    @property
    def engine(self) -> Engine:
        """The current app's engine (or the last one created outside an app context)."""
        if has_app_context() and "ecabinet.engine" in current_app.extensions:
            return current_app.extensions["ecabinet.engine"]
        assert self._last_engine is not None, "no application has been created"
        return self._last_engine

    def init_app(self, app: Flask, url: str, pool: tuple[int, int] = (10, 10)) -> None:
        """Create the engine for `url` (PostgreSQL: `pool` is the pool's size and overflow) and
        remove the session at the end of each app context."""
        engine = make_engine(url, pool)
        app.extensions["ecabinet.engine"] = engine
        self._last_engine = engine

        @app.teardown_appcontext
        def remove_session(exc: BaseException | None) -> None:
            self.session.remove()

    @property
    def is_postgres(self) -> bool:
        """True on PostgreSQL (row locks and advisory locks are available)."""
        return self.engine.dialect.name == "postgresql"


def make_engine(url: str, pool: tuple[int, int] = (10, 10)) -> Engine:
    """An engine tuned for the backend: WAL and a busy timeout on SQLite, a pool of `pool`
    (size, overflow) connections on PostgreSQL; a burst beyond it waits for a free connection
    rather than overrun the server's `max_connections` (which refuses with "too many clients")."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    size, overflow = pool
    engine = create_engine(url, pool_size=size, max_overflow=overflow)
    event.listen(engine, "checkout", _refuse_hung_up)
    return engine


def _refuse_hung_up(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """On checkout from the pool: a connection the server has closed is replaced, without a
    round trip. An idle pooled connection has nothing to read; a server that ends it (restart,
    `pg_terminate_backend`, idle timeout) sends a last message and closes the socket, which then
    polls readable. That is asked of the socket (one `poll(0)`), not of the server with an
    empty statement before every request, event and batch as `pool_pre_ping` did (a round trip
    each). The pool discards a connection refused here and connects again (`DisconnectionError`).
    A link cut without a word (no FIN, no RST) is found by neither: the first statement waits
    for TCP to give up, as the ping did."""
    if dbapi_connection.closed or dbapi_connection.broken or readable(dbapi_connection.fileno()):
        raise DisconnectionError("the server closed this pooled connection")


db = Database()

T = TypeVar("T")
_BUSY_RETRIES = 20


def run_unit_of_work(work: Callable[[], T], *, keep: Callable[[T], bool] = lambda _: True) -> T:
    """Run `work` as one transaction and commit it: the one place requests and events commit.

    `keep(result)` decides whether the result is committed (a response with an error status is
    rolled back, so nothing is half-stored). On SQLite a transaction that read before another
    writer committed cannot upgrade to a write ("database is locked" at once, the busy timeout
    does not apply); the whole unit then runs again from a fresh snapshot. Work that may run
    twice must be idempotent up to its commit, which every service is (nothing leaves before
    the commit: emits and mail wait for it).
    """
    for attempt in range(_BUSY_RETRIES):
        try:
            result = work()
            if keep(result):
                db.session.commit()
            else:
                db.session.rollback()
            return result
        except OperationalError as error:
            db.session.rollback()
            if db.is_postgres or "locked" not in str(error) or attempt == _BUSY_RETRIES - 1:
                raise
            time.sleep(0.005 * (attempt + 1))
        except BaseException:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")


M = TypeVar("M")


def insert_unless_present(target: Any, *unique: str, dialect: str | None = None) -> Any:
    """`INSERT … ON CONFLICT (unique) DO NOTHING` into `target` (a model or a table) for
    `dialect` (default: the session's; SQLite or PostgreSQL): a row already there, or inserted
    meanwhile by a transaction that commits, is left alone instead of failing the statement
    (and, on PostgreSQL, the transaction). The row count says how many rows it inserted, also
    for a list of rows (`executemany`)."""
    dialect = dialect or db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(target).on_conflict_do_nothing(index_elements=list(unique))
    # inline(): no implicit RETURNING of a generated key; the row count says what happened
    # (kept for the result: psycopg's cursor is closed before the caller reads it).
    return statement.inline().execution_options(preserve_rowcount=True)


def get_or_404(model: type[M], ident: Any, options: Sequence[Any] = ()) -> M:
    """Load a row by primary key or raise NotFound (rendered as 404 / problem+json);
    `options`: loader options for the statement (when the row is not loaded already)."""
    obj = db.session.get(model, ident, options=options)
    if obj is None:
        raise NotFound()
    return obj


# ---------------------------------------------------------------- work queued until the commit
# Audit entries and socket emits wait for the commit. A rollback drops them; the rollback of an
# inner savepoint (begin_nested) drops only what was queued inside it.

_QUEUES = "ecabinet.queues"
#: session.info key: callbacks released by the last commit, run once `commit()` has returned.
COMMITTED = "ecabinet.committed"
_MARKS = "ecabinet.queue_marks"


def commit_queue(name: str) -> list[Any]:
    """The current session's queue `name` (items are consumed by that queue's commit hook)."""
    session = db.session()
    if session.get_transaction() is None:  # so that a rollback before any SQL still drops it
        session.begin()
    return session.info.setdefault(_QUEUES, {}).setdefault(name, [])


_FACTS = "ecabinet.transaction_facts"


def known_in_transaction(fact: Any) -> bool:
    """True when `fact` was noted earlier in the current transaction (and not rolled back with
    a savepoint since): what a batch of units of work need check only once (a row lock)."""
    return fact in commit_queue(_FACTS)


def note_in_transaction(fact: Any) -> None:
    """Note `fact` until the current transaction ends (or the savepoint it was noted in rolls back)."""
    commit_queue(_FACTS).append(fact)


def is_savepoint_release(session: Session) -> bool:
    """In a `before_commit` / `after_commit` hook: True when what commits is only a savepoint
    (SQLAlchemy fires both hooks for `begin_nested()` too); queued work waits for the real commit."""
    return session.in_nested_transaction()


def take_queue(session: Session, name: str) -> list[Any]:
    """Remove and return everything queued under `name` (at commit)."""
    return session.info.get(_QUEUES, {}).pop(name, [])


_WRITES = "ecabinet.writes"
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")


@event.listens_for(Engine, "after_cursor_execute")
def _count_writes(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    """Statements that changed rows, per connection (`transaction_marks`). One that changed
    none (an UPDATE that matched nothing, an INSERT … ON CONFLICT DO NOTHING that conflicted)
    is not counted; a statement with RETURNING always is (SQLite reports its row count only
    once its rows are read)."""
    if statement.lstrip()[:6].upper() not in _WRITE_VERBS:
        return
    if cursor.rowcount != 0 or "RETURNING" in statement.upper():
        conn.info[_WRITES] = conn.info.get(_WRITES, 0) + 1


def transaction_marks(session: Session) -> tuple[Any, ...]:
    """What the current transaction holds so far: statements that wrote on its connection,
    objects pending in the session, work queued for its commit. Equal marks before and after
    some code mean that code left nothing in the transaction."""
    queued = session.info.get(_QUEUES, {})
    connection = session.connection()
    return (
        connection.info.get(_WRITES, 0),
        len(session.new),
        len(session.dirty),
        len(session.deleted),
        tuple(sorted((name, len(items)) for name, items in queued.items())),
    )


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: Any) -> None:
    if transaction.nested and transaction.parent is not None:
        queues = session.info.get(_QUEUES, {})
        session.info.setdefault(_MARKS, {})[id(transaction)] = {
            k: len(v) for k, v in queues.items()
        }


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued(session: Session, previous_transaction: Any) -> None:
    marks = session.info.get(_MARKS, {}).pop(id(previous_transaction), None)
    if previous_transaction.parent is not None and marks is not None:
        for name, queue in session.info.get(_QUEUES, {}).items():
            del queue[marks.get(name, 0) :]
        return
    if previous_transaction.parent is None:
        session.info.pop(_QUEUES, None)
        session.info.pop(_MARKS, None)


@event.listens_for(Session, "after_commit")
def _forget_marks(session: Session) -> None:
    if not is_savepoint_release(session):
        session.info.pop(_MARKS, None)
        take_queue(session, _FACTS)
