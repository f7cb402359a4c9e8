"""`python app.py` with eyes: what the app does per event, where the hub blocks, what the GC does.

    BENCH_INSTRUMENT_DIR=/tmp/x python bench/tablets/instrumented.py    # instead of app.py

Runs app.py unchanged (same monkey-patching, same server), plus, without touching product code:

* per Socket.IO event (by name): count, wall time in the handler, SQL statements (by text),
  Flask request contexts and sessions opened, users loaded, marshmallow schemas instantiated;
* per HTTP request: the same counters under "http";
* gevent's blocked-hub monitor (`gevent.config.monitor_thread`, threshold
  ``BENCH_BLOCKING_MS``, default 50 ms): every report with its blocking time and stack;
* `gc.callbacks`: every collection with its generation, duration and objects collected;
* a hub-lag probe: a greenlet that asks to wake every 10 ms records how late it wakes;
* on SIGUSR1: writes ``dump-<n>.json`` in BENCH_INSTRUMENT_DIR (everything since the previous
  dump, plus live object counts by type, plus a tracemalloc comparison when
  ``BENCH_TRACEMALLOC=1``) and starts counting afresh; SIGUSR2 does the same and adds who
  holds the live objects of the ``BENCH_REFERRERS`` types (default ``deque``).
"""

from gevent import monkey

monkey.patch_all()

import collections  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import runpy  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from gevent import events as gevent_events  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("BENCH_INSTRUMENT_DIR", "/tmp/bench-instrument"))
OUT.mkdir(parents=True, exist_ok=True)
TRACEMALLOC = os.environ.get("BENCH_TRACEMALLOC") == "1"
if TRACEMALLOC:
    import tracemalloc

    tracemalloc.start(12)

gevent.config.monitor_thread = True
gevent.config.max_blocking_time = float(os.environ.get("BENCH_BLOCKING_MS", "50")) / 1000
gevent.config.memory_monitor_period = 3600  # only the blocking monitor is wanted
gevent.config.print_blocking_reports = False  # recorded in the dumps instead


def _light_monitor_blocking(self, hub):
    """gevent's check, with a report of the blocked stack only: gevent's own report adds the
    tree of every greenlet, which with hundreds of connections holds the monitor thread (and
    the GIL) long enough to block the hub again."""
    did_block = self._greenlet_tracer.did_block_hub(hub)
    if not did_block:
        return None
    active = did_block[1]
    try:
        stack = traceback.format_stack(sys._current_frames()[hub.thread_ident])
    except KeyError:
        stack = ["(the hub's thread is gone)"]
    report = [str(active)[:300], "Blocked Stack:", "".join(stack)]
    gevent_events.notify(
        gevent_events.EventLoopBlocked(active, gevent.config.max_blocking_time, report, hub=hub)
    )
    return (active, report)


from gevent import _monitor  # noqa: E402

_monitor.PeriodicMonitoringThread.monitor_blocking = _light_monitor_blocking

_tags: dict = {}  # greenlet -> the event it is handling


def _fresh() -> dict:
    return {
        "events": collections.defaultdict(
            lambda: {
                "count": 0,
                "wall_ms": 0.0,
                "max_ms": 0.0,
                "sql": 0,
                "sql_ms": 0.0,
                "statements": collections.Counter(),
                "request_contexts": 0,
                "sessions_opened": 0,
                "users_loaded": 0,
                "schemas": collections.Counter(),
                "commits": 0,
            }
        ),
        "blocked": [],
        "gc": [],
        "lag": [],  # (at, ms) of every hub lag over LAG_REPORT_MS
        "lag_max_ms": 0.0,
        "started": time.time(),
    }


LAG_TICK = 0.01
LAG_REPORT_MS = 20.0


def _lag_probe() -> None:
    """A greenlet that asks to wake every 10 ms: how late it wakes is how long the hub was
    busy elsewhere (a stall every tablet feels), whatever the cause (CPU, GC, a blocking call)."""
    while True:
        t0, dumps = time.perf_counter(), _dumps[0]
        gevent.sleep(LAG_TICK)
        late = (time.perf_counter() - t0 - LAG_TICK) * 1000
        if _dumps[0] != dumps:
            continue  # the dump itself held the hub: not the app's stall
        stats["lag_max_ms"] = max(stats["lag_max_ms"], late)
        if late >= LAG_REPORT_MS:
            stats["lag"].append((round(time.time() - stats["started"], 3), round(late, 1)))


stats = _fresh()
_gc_start: list[float] = []
_dumps = [0]
_baseline_snapshot: list = []


def _bucket() -> dict:
    return stats["events"][_tags.get(gevent.getcurrent(), "other")]


def _on_gc(phase: str, info: dict) -> None:
    if phase == "start":
        _gc_start.append(time.perf_counter())
    elif _gc_start:
        stats["gc"].append(
            {
                "at": round(time.time() - stats["started"], 3),
                "gen": info["generation"],
                "ms": round((time.perf_counter() - _gc_start.pop()) * 1000, 3),
                "collected": info["collected"],
                "uncollectable": info["uncollectable"],
            }
        )


gc.callbacks.append(_on_gc)


def _on_gevent_event(event) -> None:
    if isinstance(event, gevent_events.EventLoopBlocked):
        stats["blocked"].append(
            {
                "at": round(time.time() - stats["started"], 3),
                "ms": round(event.blocking_time * 1000, 1),
                "greenlet": event.info[0],
                "info": "".join(event.info[2:]).splitlines()[-60:],
            }
        )


gevent_events.subscribers.append(_on_gevent_event)


def _install(app) -> None:
    """Counters on the libraries' entry points (after app.py imported them)."""
    import flask
    import flask_login.login_manager as login_manager_module
    import marshmallow
    from flask_socketio import SocketIO
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    original_handle = SocketIO._handle_event

    def handle_event(self, handler, message, namespace, sid, *args):
        me = gevent.getcurrent()
        _tags[me] = message
        t0 = time.perf_counter()
        try:
            return original_handle(self, handler, message, namespace, sid, *args)
        finally:
            spent = (time.perf_counter() - t0) * 1000
            bucket = stats["events"][message]
            bucket["count"] += 1
            bucket["wall_ms"] += spent
            bucket["max_ms"] = max(bucket["max_ms"], spent)
            _tags.pop(me, None)

    SocketIO._handle_event = handle_event

    # Flask-SocketIO put its middleware on the instance: wrap that (HTTP requests only; a
    # WebSocket's request lasts as long as the connection).
    original_wsgi = app.wsgi_app

    def wsgi_app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/socket.io"):
            return original_wsgi(environ, start_response)
        me = gevent.getcurrent()
        parts = [p for p in path.split("/") if p and not p.isdigit()][:3]
        name = f"http {environ.get('REQUEST_METHOD', '')} /{'/'.join(parts)}"
        _tags[me] = name
        t0 = time.perf_counter()
        try:
            return original_wsgi(environ, start_response)
        finally:
            bucket = stats["events"][name]
            bucket["count"] += 1
            spent = (time.perf_counter() - t0) * 1000
            bucket["wall_ms"] += spent
            bucket["max_ms"] = max(bucket["max_ms"], spent)
            _tags.pop(me, None)

    app.wsgi_app = wsgi_app

    original_context = flask.Flask.request_context

    def request_context(self, environ):
        _bucket()["request_contexts"] += 1
        return original_context(self, environ)

    flask.Flask.request_context = request_context

    from flask.sessions import SecureCookieSessionInterface

    original_open = SecureCookieSessionInterface.open_session

    def open_session(self, app, request):
        _bucket()["sessions_opened"] += 1
        return original_open(self, app, request)

    SecureCookieSessionInterface.open_session = open_session

    original_load = login_manager_module.LoginManager._load_user

    def load_user(self):
        _bucket()["users_loaded"] += 1
        return original_load(self)

    login_manager_module.LoginManager._load_user = load_user

    original_schema_init = marshmallow.Schema.__init__

    def schema_init(self, *args, **kwargs):
        _bucket()["schemas"][type(self).__name__] += 1
        return original_schema_init(self, *args, **kwargs)

    marshmallow.Schema.__init__ = schema_init

    @event.listens_for(Engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_t0", []).append(time.perf_counter())

    @event.listens_for(Engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        started = conn.info.get("bench_t0") or [time.perf_counter()]
        bucket = _bucket()
        bucket["sql"] += 1
        bucket["sql_ms"] += (time.perf_counter() - started.pop()) * 1000
        bucket["statements"][" ".join(statement.split())[:160]] += 1

    @event.listens_for(Session, "after_commit")
    def committed(session):
        _bucket()["commits"] += 1


def _describe(obj) -> str:
    kind = type(obj).__qualname__
    if isinstance(obj, dict):
        owners = [type(o).__qualname__ for o in gc.get_referrers(obj) if not isinstance(o, list)]
        return f"dict of {owners[0] if owners else '?'}"
    return kind


def _referrers(type_names: list[str], limit: int = 150) -> dict:
    """For live objects of these types: who holds them (two levels), the most common chains."""
    found: dict = {}
    wanted = {name for name in type_names if name}
    if not wanted:
        return found
    for name in wanted:
        chains = collections.Counter()
        # The newest ones (gc lists objects roughly oldest first): what the last waves left.
        objects = [o for o in gc.get_objects() if type(o).__qualname__ == name][-limit:]
        for obj in objects:
            holders = [h for h in gc.get_referrers(obj) if h is not objects]
            chains[" | ".join(sorted({_describe(h) for h in holders})[:3]) or "nothing"] += 1
        found[name] = chains.most_common(8)
    return found


def _dump(referrers: list[str]) -> None:
    global stats
    _dumps[0] += 1
    gc.collect()
    types = collections.Counter(type(o).__qualname__ for o in gc.get_objects())
    events = {}
    for name, bucket in stats["events"].items():
        events[name] = {
            **{k: v for k, v in bucket.items() if k not in ("statements", "schemas")},
            "statements": bucket["statements"].most_common(40),
            "schemas": dict(bucket["schemas"]),
        }
    document = {
        "dump": _dumps[0],
        "seconds": round(time.time() - stats["started"], 3),
        "events": events,
        "blocked": stats["blocked"],
        "gc": stats["gc"],
        "lag": stats["lag"],
        "lag_max_ms": round(stats["lag_max_ms"], 1),
        "referrers": _referrers(referrers),
        "gc_counts": gc.get_count(),
        "gc_stats": gc.get_stats(),
        "objects": sum(types.values()),
        "object_types": types.most_common(80),
        "greenlets": types.get("Greenlet", 0) + types.get("greenlet", 0),
    }
    if TRACEMALLOC:
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        if _baseline_snapshot:
            diff = snapshot.compare_to(_baseline_snapshot[0], "traceback")[:25]
            document["tracemalloc_growth"] = [
                {
                    "size_kb": round(d.size_diff / 1024, 1),
                    "count": d.count_diff,
                    "trace": [f"{f.filename}:{f.lineno}" for f in d.traceback][-8:],
                }
                for d in diff
            ]
        else:
            _baseline_snapshot.append(snapshot)
        document["tracemalloc_total_kb"] = round(
            sum(s.size for s in snapshot.statistics("filename")) / 1024
        )
    (OUT / f"dump-{_dumps[0]}.json").write_text(json.dumps(document, default=str, indent=1))
    stats = _fresh()


def _on_signal(referrers: list[str]) -> None:
    try:
        _dump(referrers)
    except Exception:  # the server must go on whatever the instrumentation does
        traceback.print_exc()


def main() -> None:
    """Install the counters once the app is built, then run app.py as `python app.py` does
    (in gevent mode it serves through `cabinet.serve.run`; otherwise through `SocketIO.run`)."""
    from flask_socketio import SocketIO

    from cabinet import serve

    def instrumented(original):
        def run(*args, **kwargs):
            app = args[1] if original is original_socketio else args[0]
            _install(app)
            gevent.signal_handler(signal.SIGUSR1, _on_signal, [])
            # SIGUSR2: the same, plus who holds the objects of the BENCH_REFERRERS types (slow:
            # a walk of every object per object, so only for the memory phase).
            types = [t for t in os.environ.get("BENCH_REFERRERS", "deque").split(",") if t]
            gevent.signal_handler(signal.SIGUSR2, _on_signal, types)
            gevent.spawn(_lag_probe)
            return original(*args, **kwargs)

        return run

    original_socketio = SocketIO.run
    SocketIO.run = instrumented(original_socketio)
    serve.run = instrumented(serve.run)
    sys.argv = [str(ROOT / "app.py")]
    runpy.run_path(str(ROOT / "app.py"), run_name="__main__")


if __name__ == "__main__":
    main()
