"""The pieces `bench/bench_tablets.py` drives: the Node tablets, the servers, the database check.

* `run_node(config, on_checkpoint=...)`: one `bench/tablets/loadgen.mjs` scenario in a fresh
  Node process (fresh connections), its result;
* `redis_server()`: a private redis-server on a free port (the bench never shares a Redis
  channel with anyone);
* `seed(...)`: `bench/tablets/seed.py` in a subprocess, what it made;
* `bare_server(...)`, `app(...)`: the two servers under measurement (the app optionally under
  the instrumentation wrapper `bench/tablets/instrumented.py`);
* `count_casts(url, poll_ids)`: stored casts and distinct voters per poll, from the database.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from bench.common import OUT_DIR, ROOT, Server, app_environment, free_port, run_process

HERE = Path(__file__).resolve().parent
LOADGEN = HERE / "loadgen.mjs"
SECRET = "bench-tablets-secret-" + "k" * 32


class NodeFailed(RuntimeError):
    """The load generator reported an error or exited without a result."""


def node_binary() -> str:
    """The `node` executable (Node 18+ for fetch and performance.now)."""
    found = shutil.which("node")
    if not found:
        raise NodeFailed("node is not installed (the tablets run the official socket.io JS client)")
    return found


def run_node(
    config: Mapping,
    *,
    on_checkpoint: Callable[[dict], None] | None = None,
    timeout: float = 900,
    verbose: bool = True,
    script: Path = LOADGEN,
) -> dict:
    """Run one scenario of the load generator (or of another ``script`` speaking its protocol,
    e.g. bench/cluster/tablets.mjs); answer its checkpoints; return its result."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(config, handle)
        path = handle.name
    process = subprocess.Popen(
        [node_binary(), str(script), path],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    deadline = time.monotonic() + timeout
    # A generator that goes silent is killed at the deadline too (its stdout then ends).
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    result = error = None
    try:
        assert process.stdout is not None and process.stdin is not None
        for line in process.stdout:
            if time.monotonic() > deadline:
                raise NodeFailed(f"{config.get('scenario', script.name)}: over {timeout:.0f} s")
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "log" in message and verbose:
                print(f"    {message['log']}", flush=True)
            elif "checkpoint" in message:
                if on_checkpoint:
                    on_checkpoint(message)
                process.stdin.write("next\n")
                process.stdin.flush()
            elif "result" in message:
                result = message["result"]
            elif "error" in message:
                error = message["error"]
        process.wait(timeout=30)
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
        os.unlink(path)
    if result is None:
        stderr = process.stderr.read() if process.stderr else ""
        what = config.get("scenario", script.name)
        raise NodeFailed(f"{what}: {error or stderr[-1500:] or 'no result'}")
    return result


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A private, memory-only redis-server; yields its URL."""
    binary = shutil.which("redis-server")
    if not binary:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    with run_process([*command, "--appendonly", "no"], port):
        yield f"redis://127.0.0.1:{port}/0"


def seed(database_url: str, instance: Path, tablets: int, history: int, series: list[int]) -> dict:
    """Seed a fresh database (bench/tablets/seed.py in a subprocess); what it made."""
    command = [
        sys.executable,
        str(HERE / "seed.py"),
        "--database-url",
        database_url,
        "--instance",
        str(instance),
        "--tablets",
        str(tablets),
        "--history",
        str(history),
        "--history-series",
        *map(str, series),
    ]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=3600, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"seed failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def app_env(redis_url: str | None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The app's settings for the bench (production defaults otherwise, tick included)."""
    env = {"ECABINET_SECRET_KEY": SECRET, "ECABINET_LOGIN_SLOWDOWN_SECONDS": "0"}
    if redis_url:
        env["ECABINET_REDIS_URL"] = redis_url
    return {**env, **(extra or {})}


@contextlib.contextmanager
def app(
    database_url: str,
    instance: Path,
    redis_url: str | None,
    *,
    instrument: Path | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """The real app as `python app.py` starts it; under `instrumented.py` when ``instrument``
    names a folder for its reports; through another entry point when ``BENCH_APP_SCRIPT``
    names one (a probe that runs app.py in-process, as `instrumented.py` does)."""
    port = free_port()
    env = {
        **app_environment(database_url, instance, app_env(redis_url, extra_env)),
        "ECABINET_HOST": "127.0.0.1",
        "ECABINET_PORT": str(port),
    }
    command = [sys.executable, os.environ.get("BENCH_APP_SCRIPT") or str(ROOT / "app.py")]
    if instrument is not None:
        env["BENCH_INSTRUMENT_DIR"] = str(instrument)
        command = [sys.executable, str(HERE / "instrumented.py")]
    os.environ.pop("ECABINET_REDIS_URL", None)
    with run_process(command, port, env=env, timeout=120) as server:
        yield server


@contextlib.contextmanager
def bare_server(redis_url: str | None, shapes: Path) -> Iterator[Server]:
    """The bare python-socketio server with the app's message shapes."""
    port = free_port()
    command = [sys.executable, str(HERE / "bare_server.py"), str(port), "--shapes", str(shapes)]
    if redis_url:
        command += ["--redis", redis_url]
    with run_process(command, port) as server:
        yield server


def count_casts(
    database_url: str, poll_ids: list[int], *, secret: bool = False
) -> dict[int, tuple[int, int]]:
    """Per poll: (stored casts, distinct voters), read straight from the database; a closed
    secret vote's casts are its opened ballots, its voters the markers of who voted."""
    from sqlalchemy import create_engine, text

    if secret:
        query = (
            "SELECT (SELECT count(*) FROM poll_secret_ballots WHERE poll_id = :p), "
            "(SELECT count(DISTINCT voter_id) FROM poll_secret_voters WHERE poll_id = :p)"
        )
    else:
        query = "SELECT count(*), count(DISTINCT voter_id) FROM poll_open_casts WHERE poll_id = :p"
    engine = create_engine(database_url)
    found = {}
    with engine.connect() as conn:
        for poll_id in poll_ids:
            row = conn.execute(text(query), {"p": poll_id}).one()
            found[poll_id] = (int(row[0]), int(row[1]))
    engine.dispose()
    return found


def log_dir() -> Path:
    """Where the servers' stderr goes (bench/out/logs)."""
    return OUT_DIR / "logs"
