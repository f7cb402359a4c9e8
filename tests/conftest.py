"""The test harness: app, database with savepoint rollback, clients, factories, sockets, browsers.

Backends: SQLite by default. With ECABINET_TEST_BACKEND=postgres the same suite runs on the
PostgreSQL at ECABINET_TEST_DATABASE_URL (unreachable = failure, never a skip); Redis at
ECABINET_TEST_REDIS_URL is used by the tests that exercise the Socket.IO message queue.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter, namedtuple
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from psycopg.errors import DeadlockDetected, LockNotAvailable
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from cabinet import create_app
from cabinet.auth.sessions import SESSION_KEY, open_session
from cabinet.db import Base, db
from cabinet.memo import clear_every_memo
from cabinet.users.models import CabinetSeat, Role, User
from cabinet.users.services import hash_password
from voting.display.push import display_pusher
from voting.polls.progress import progress_flusher

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SCREENS = ARTIFACTS / "screens"
PASSWORD = "mat-khau-thu-nghiem"  # the password every factory user gets

BACKEND = os.environ.get("ECABINET_TEST_BACKEND", "sqlite")
PG_URL = os.environ.get("ECABINET_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("ECABINET_TEST_REDIS_URL")
# `make test` runs the browser tests once, on SQLite, and everything else on both engines (CI's
# 40-minute budget): ECABINET_TEST_BROWSERS=0 leaves them out of the PostgreSQL pass.
BROWSERS = os.environ.get("ECABINET_TEST_BROWSERS", "1") != "0"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without browsers (ECABINET_TEST_BROWSERS=0), deselect the tests that drive chromium."""
    if BROWSERS:
        return
    left_out = [item for item in items if "browser" in getattr(item, "fixturenames", ())]
    kept = [item for item in items if "browser" not in getattr(item, "fixturenames", ())]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed test with a live server reports where every thread of the process stood.

    A page that waited in vain for the server (a navigation never answered, beside a CPU hog)
    leaves nothing in the log but the wait: the stacks show a request stuck in the server, or
    none (then the wait was the browser's).
    """
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and "live_server" in item.fixturenames:
        names = {thread.ident: thread.name for thread in threading.enumerate()}
        stacks = [
            f"--- thread {names.get(ident, ident)}\n" + "".join(traceback.format_stack(frame))
            for ident, frame in sys._current_frames().items()
        ]
        report.sections.append(("live server threads at the failure", "\n".join(stacks)))


def pytest_report_header(config: pytest.Config) -> str:
    where = "on" if BROWSERS else "off (ECABINET_TEST_BROWSERS=0: they run in the SQLite pass)"
    return f"e-Cabinet tests: backend {BACKEND}, browser tests {where}"


def _database_url(tmp: Path) -> str:
    if BACKEND == "postgres":
        if not PG_URL:
            raise pytest.UsageError(
                "ECABINET_TEST_BACKEND=postgres needs ECABINET_TEST_DATABASE_URL"
            )
        return PG_URL
    return f"sqlite:///{tmp / 'test.db'}"


def test_environ(tmp: Path, **overrides: str) -> dict[str, str]:
    """The environment a test app is built from (threading mode, fast sign-in throttle)."""
    env = {
        "ECABINET_INSTANCE_PATH": str(tmp / "instance"),
        "ECABINET_DATABASE_URL": _database_url(tmp),
        "ECABINET_ASYNC_MODE": "threading",
        "ECABINET_SECRET_KEY": "test-secret-key-" + "x" * 32,
        "ECABINET_LOGIN_SLOWDOWN_SECONDS": "0",
        "ECABINET_TICK_IN_PROCESS": "0",
        "ECABINET_PUBLIC_URL": "http://ecabinet.test",
        "ECABINET_HEARTBEAT_SECONDS": "0",  # tests call cabinet.heartbeat.beat themselves
    }
    env.update(overrides)
    return env


@pytest.fixture(scope="session")
def app_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ecabinet")


@pytest.fixture(scope="session")
def pki_service(app_tmp: Path) -> Iterator[Any]:
    """The demo PKI (OCSP, CRLs, TSA) of the test app's keys_dir, on an ephemeral port.

    Its `.app.clock` may be replaced to play a verifier of the future (restore it afterwards).
    """
    from cabinet.pki import serve_in_thread

    with serve_in_thread(app_tmp / "instance" / "keys") as running:
        yield running


@pytest.fixture(scope="session")
def app(app_tmp: Path, pki_service):
    """One application for the session; the schema is created once from the models."""
    application = create_app(test_environ(app_tmp, ECABINET_PKI_URL=pki_service.url))
    application.config.update(TESTING=True, WTF_CSRF_ENABLED=False)

    # Test requests and socket events share the test's app context (and so `g`); in production
    # each has its own. Empty `g` at the start of each, so nothing cached leaks between them.
    application.before_request(_fresh_g)
    from cabinet.extensions import socketio

    _SESSION_SOCKET_SERVER[:] = [socketio.server, application]

    handle_event = socketio._handle_event

    def fresh_event(*args: Any, **kwargs: Any) -> Any:
        _fresh_g()
        return handle_event(*args, **kwargs)

    socketio._handle_event = fresh_event  # type: ignore[method-assign]

    engine = application.extensions["ecabinet.engine"]
    if engine.dialect.name == "sqlite":
        _sqlite_savepoint_support(engine)
    try:
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            Base.metadata.create_all(conn)
    except Exception as error:  # PostgreSQL asked for but not reachable: fail, never skip
        pytest.exit(f"test database unreachable: {error}", returncode=3)
    with application.app_context():
        yield application


def _fresh_g() -> None:
    from flask import g, has_app_context

    if not has_app_context():  # the live server's threads get a fresh context per request anyway
        return
    for name in list(vars(g._get_current_object())):
        g.pop(name)


@pytest.fixture(autouse=True)
def fresh_g(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with an empty `g` (no locale or user cached by an earlier test) and
    empty snapshot memos (a rolled-back database gives the next test's rows the same ids)."""
    if "app" in request.fixturenames:
        _fresh_g()
    clear_every_memo()
    yield


def _sqlite_savepoint_support(engine: Any) -> None:
    """pysqlite's own transaction handling breaks SAVEPOINT; the SQLAlchemy recipe takes over,
    but only on the connection a `db` test holds (live servers keep pysqlite's real behaviour)."""

    @event.listens_for(engine, "begin")
    def explicit_begin(conn: Any) -> None:
        if conn.info.get("explicit_begin"):
            conn.exec_driver_sql("BEGIN")


@pytest.fixture
def db_session(app) -> Iterator[Any]:
    """The scoped session inside an outer transaction rolled back after the test."""
    connection = db.engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.dbapi_connection.isolation_level = None
        connection.info["explicit_begin"] = True
    outer = connection.begin()
    db.session.remove()
    # Only this thread's sessions join the test's transaction. A background task of the app
    # (room screen pusher, vote progress flusher, a live server's request) makes its own session;
    # bound to this connection it would roll back to *its* savepoint when done, taking the
    # test's later writes with it (check-ins half lost, a quorum that was met not met).
    factory, owner = db.session.session_factory, threading.get_ident()
    elsewhere = sessionmaker(class_=factory.class_, **dict(factory.kw))
    db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    db.session.registry.createfunc = lambda: (
        factory() if threading.get_ident() == owner else elsewhere()
    )
    try:
        yield db.session
    finally:
        db.session.remove()
        db.session.registry.createfunc = factory
        outer.rollback()
        if sqlite:
            connection.info.pop("explicit_begin", None)
            connection.connection.dbapi_connection.isolation_level = ""
        connection.close()
        db.session.configure(bind=None, join_transaction_mode="conditional_savepoint")


@pytest.fixture(name="db")
def db_fixture(db_session) -> Any:
    """`db` (cabinet.db.db) with every change rolled back after the test."""
    return db


def truncate_all() -> None:
    """Empty every table (after tests that really commit).

    A background task of the app (the room screen pusher, the vote progress flusher) may still
    be inside a read when a test ends. On PostgreSQL, TRUNCATE takes its locks table by table,
    the read takes its own in another order, and PostgreSQL breaks the deadlock by aborting one
    of the two: when it is the sweep, the sweep runs again (the task's read has ended by then).
    """
    db.session.remove()
    for attempt in itertools.count(1):
        try:
            return _truncate_once()
        except OperationalError as error:
            lost_lock = isinstance(error.orig, DeadlockDetected | LockNotAvailable)
            if not lost_lock or attempt == 10:
                raise
            time.sleep(0.05 * attempt)


def _truncate_once() -> None:
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:  # foreign keys off for the sweep (outside a transaction): some tables point at each other
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
            conn.commit()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.commit()


@pytest.fixture
def committed_db(app) -> Iterator[Any]:
    """Real commits (for parallel writers and live servers); every table emptied afterwards."""
    db.session.remove()
    truncate_all()
    try:
        yield db
    finally:
        truncate_all()


@pytest.fixture(scope="session")
def softhsm_conf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One SoftHSM2 token directory for the whole session.

    The PKCS#11 library reads SOFTHSM2_CONF once, when a process first loads it; every test
    that creates a token creates it here (with its own label), so later tests still see theirs.
    """
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    yield conf
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


_counter = itertools.count(1)


@pytest.fixture
def make_user(app, password_hash) -> Callable[..., User]:
    """Create a user (committed; rolled back with the test) with the given roles; password is tests.conftest.PASSWORD."""

    def make(roles: Any = (Role.MEMBER,), **kw: Any) -> User:
        n = next(_counter)
        if isinstance(roles, Role):
            roles = (roles,)
        user = User(
            name=kw.pop("name", f"Người dùng {n}"),
            email=kw.pop("email", f"user{n}@ecabinet.test"),
            password_hash=password_hash,
            title=kw.pop("title", "Bộ trưởng"),
            ministry=kw.pop("ministry", f"Bộ số {n}"),
            **kw,
        )
        user.set_roles(set(roles))
        db.session.add(user)
        db.session.commit()
        return user

    return make


Cabinet = namedtuple("Cabinet", "chair members secretariat admin deputies invitee seats")


@pytest.fixture
def make_cabinet(make_user) -> Callable[..., Cabinet]:
    """A cabinet of `n` members (the chair is member 1), secretariat, admin, deputies, an invitee."""

    def make(n: int = 27, deputies: int = 3) -> Cabinet:
        chair = make_user(
            (Role.CHAIR, Role.MEMBER), name="Thủ tướng Trần Quốc Hưng", title="Thủ tướng"
        )
        members = [chair] + [
            make_user(Role.MEMBER, name=f"Bộ trưởng số {i}") for i in range(2, n + 1)
        ]
        deputy_users = [
            make_user(Role.DEPUTY, name=f"Thứ trưởng số {i}", title="Thứ trưởng")
            for i in range(deputies)
        ]
        seats = []
        for position, member in enumerate(members, start=1):
            deputy = deputy_users[position - 2] if 2 <= position < 2 + deputies else None
            seat = CabinetSeat(
                member_id=member.id, deputy_id=deputy.id if deputy else None, position=position
            )
            db.session.add(seat)
            seats.append(seat)
        secretariat = make_user(
            Role.SECRETARIAT, name="Thư ký Văn phòng Chính phủ", title="Vụ trưởng"
        )
        admin = make_user(Role.ADMIN, name="Quản trị viên", title="Quản trị")
        invitee = make_user(Role.INVITEE, name="Khách mời", title="Chủ tịch")
        db.session.commit()
        return Cabinet(chair, members, secretariat, admin, deputy_users, invitee, seats)

    return make


@contextlib.contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement the test's own thread runs meanwhile (the socket test client runs
    each handler in it). The app's background threads (the tick, the heartbeat, the vote
    progress and room-screen pushers) use the same engine: their statements are not the
    event's, and counting them made a count depend on the machine's load."""
    seen: list[str] = []
    mine = threading.get_ident()

    def note(conn, cursor, statement, *args) -> None:
        if threading.get_ident() == mine:
            seen.append(" ".join(statement.split()))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


@contextlib.contextmanager
def loaded(*models: type) -> Iterator[Counter[str]]:
    """How many objects of `models` the ORM builds from rows meanwhile (any thread)."""
    counts: Counter[str] = Counter()

    def on_load(target: object, _context: object) -> None:
        counts[type(target).__name__] += 1

    for model in models:
        event.listen(model, "load", on_load)
    try:
        yield counts
    finally:
        for model in models:
            event.remove(model, "load", on_load)


def sign_in(client: Any, user: User) -> Any:
    """Put `user`'s session into a Flask test client (no password round trip)."""
    key = open_session(user.id).key  # the server-side record signing in would open
    db.session.commit()  # (inside the test's outer transaction) a refused request keeps it
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        sess[SESSION_KEY] = key
    return client


@pytest.fixture
def login(client) -> Callable[[User], Any]:
    """`login(user)` signs the `client` fixture in as `user`."""
    return lambda user: sign_in(client, user)


@pytest.fixture
def user_client(app) -> Callable[[User], Any]:
    """A separate Flask test client signed in as `user` (several people in one test)."""
    return lambda user: sign_in(app.test_client(), user)


@pytest.fixture
def socket_client(app, user_client) -> Iterator[Callable[..., Any]]:
    """`socket_client(user)`: a Socket.IO test client carrying that user's login cookie."""
    from cabinet.extensions import socketio

    clients: list[Any] = []

    def make(user: User | None = None) -> Any:
        http = user_client(user) if user is not None else app.test_client()
        sio = socketio.test_client(app, flask_test_client=http)
        clients.append(sio)
        return sio

    yield make
    for sio in clients:
        if sio.is_connected():
            sio.disconnect()


_MISSING = object()
_SESSION_SOCKET_SERVER: list[Any] = []  # the session app's Socket.IO server and the app
_PATCHED = ("_send_packet", "_send_eio_packet", "async_handlers")


@pytest.fixture(autouse=True)
def _socket_server_unpatched() -> Iterator[None]:
    """Every Socket.IO test client (the fixture's or one a test makes itself) patches the shared
    server to capture packets, and drops the packets of every other client from then on; undo
    it after each test so that real websocket clients (the browser tests' live server) receive
    their packets again; and put the session app's server back if the test built an app of its
    own."""
    from cabinet.extensions import socketio

    server = socketio.server
    if server is None:
        yield
        return
    saved = {name: server.__dict__.get(name, _MISSING) for name in _PATCHED}
    saved_eio = server.eio.async_handlers
    yield
    # A test (or module fixture) that builds an app of its own (backup/restore, hardening)
    # re-initialises the shared extension, which then emits on that app's server: the live
    # server's browsers, still on the session app's server, would hear nothing more.
    # The room screen pusher and the vote progress flusher are taken over the same way.
    if _SESSION_SOCKET_SERVER and socketio.server is not _SESSION_SOCKET_SERVER[0]:
        session_server, session_app = _SESSION_SOCKET_SERVER
        socketio.server = session_server
        display_pusher.init_app(session_app)
        progress_flusher.init_app(session_app)
    for name, value in saved.items():
        if value is _MISSING:
            server.__dict__.pop(name, None)
        else:
            setattr(server, name, value)
    server.eio.async_handlers = saved_eio


def events_named(sio: Any, name: str) -> list[Any]:
    """The payloads of every `name` event this socket test client received so far."""
    return [
        msg["args"][0] if msg["args"] else None for msg in sio.get_received() if msg["name"] == name
    ]


# ---------------------------------------------------------------- live server and browsers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    """Until something listens on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The Socket.IO queue of tests that start workers: ECABINET_TEST_REDIS_URL (.ci/run sets
    it) or a private redis-server for the session."""
    configured = os.environ.get("ECABINET_TEST_REDIS_URL")
    if configured:
        yield configured
        return
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed (Debian redis-server) or set ECABINET_TEST_REDIS_URL"
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    wait_port(port)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The app served over real HTTP and websockets in a background thread."""
    from cabinet.extensions import socketio

    port = free_port()
    thread = threading.Thread(
        target=socketio.run,
        kwargs={
            "app": app,
            "host": "127.0.0.1",
            "port": port,
            "allow_unsafe_werkzeug": True,
            "log_output": False,
            "use_reloader": False,
        },
        daemon=True,
    )
    thread.start()
    wait_port(port, 15)
    yield f"http://127.0.0.1:{port}"


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TABLET_LANDSCAPE = {"width": 1024, "height": 768}
TABLET_PORTRAIT = {"width": 768, "height": 1024}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (installed by `make test`)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError("chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield instance
        instance.close()


def session_cookie(app: Any, user: User) -> str:
    """A signed Flask session cookie value for `user` (what signing in would set)."""
    serializer = app.session_interface.get_signing_serializer(app)
    key = open_session(user.id).key
    db.session.commit()  # the live server reads it from its own connection
    return serializer.dumps(
        {"_user_id": user.get_id(), "_fresh": True, "_permanent": True, SESSION_KEY: key}
    )


@pytest.fixture
def open_page(app, browser, live_server) -> Iterator[Callable[..., Any]]:
    """`open_page(user, viewport=TABLET_LANDSCAPE, path="/")`: a signed-in page in its own context."""
    contexts: list[Any] = []

    def make(
        user: User | None,
        viewport: dict[str, int] = TABLET_LANDSCAPE,
        path: str = "/",
        locale: str = "vi-VN",
    ) -> Any:
        context = browser.new_context(
            viewport=viewport,
            locale=locale,
            timezone_id="Asia/Ho_Chi_Minh",
            has_touch=viewport is not DESKTOP,
        )
        contexts.append(context)
        if user is not None:
            context.add_cookies(
                [
                    {
                        "name": app.config["SESSION_COOKIE_NAME"],
                        "value": session_cookie(app, user),
                        "url": live_server,
                    }
                ]
            )
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server + path)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def tablet_page(open_page) -> Callable[..., Any]:
    """A member's tablet (1024×768 landscape by default)."""
    return lambda user, path="/", viewport=TABLET_LANDSCAPE: open_page(user, viewport, path)


@pytest.fixture
def desktop_page(open_page) -> Callable[..., Any]:
    """The secretariat's desktop browser."""
    return lambda user, path="/": open_page(user, DESKTOP, path)


def screenshot(page: Any, name: str) -> Path:
    """Save a PNG of the page under test-artifacts/screens/ (kept for review and the README)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
