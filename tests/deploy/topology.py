"""deploy/local.py started by a test: Debian's nginx with docs/nginx.conf.example in front of
two gevent workers on one database (SQLite, or PostgreSQL on that backend) and one Redis queue.
The output of deploy/local.py and of its workers (their logs) is kept in `Topology.lines`."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import requests
from sqlalchemy.engine import make_url

from tests.conftest import BACKEND, PG_URL, free_port
from tests.workers import PASSWORD, ROOT, sign_in

UPSTREAM = "X-Ecabinet-Upstream"


def _database() -> str | None:
    """PostgreSQL (a database `<test db>_deploy`) on that backend, else SQLite in the instance."""
    if BACKEND != "postgres":
        return None
    url = make_url(PG_URL)
    name = f"{url.database}_deploy"
    with psycopg.connect(
        url.set(drivername="postgresql").render_as_string(False), autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


@contextlib.contextmanager
def running(tmp_path: Path, redis_url: str, **settings: str) -> Iterator[Topology]:
    """deploy/local.py with two workers; `settings` are more ECABINET_* for the workers."""
    instance = tmp_path / "instance"
    database = _database()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECABINET_")}
    env.update(
        ECABINET_INSTANCE_PATH=str(instance),
        ECABINET_TICK_IN_PROCESS="0",
        ECABINET_SECRET_KEY="shared-secret-of-every-worker-" + "z" * 16,
        PYTHONPATH=str(ROOT),
        **{f"ECABINET_{name}": value for name, value in settings.items()},
    )
    if database:
        env["ECABINET_DATABASE_URL"] = database
    port = free_port()
    args = ["--workers", "2", "--port", str(port), "--redis", redis_url]
    args += ["--instance", str(instance), "--debug-upstream"]
    if database:
        args += ["--database", database]
    process = subprocess.Popen(
        [sys.executable, "deploy/local.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    topology = Topology(f"http://127.0.0.1:{port}", env, database)
    threading.Thread(target=topology.read, args=(process,), daemon=True).start()
    try:
        topology.wait_line(r"\bREADY ", 300)
        yield topology
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        process.stdout.close()


class Topology:
    def __init__(self, base: str, env: dict[str, str], database: str | None) -> None:
        self.base = base
        self.env = env
        self.database = database  # None: SQLite in the instance folder
        self.lines: list[str] = []
        self._new_line = threading.Condition()

    def read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            with self._new_line:
                self.lines.append(line)
                self._new_line.notify_all()

    def wait_line(self, pattern: str, timeout: float, start: int = 0) -> re.Match:
        """The first output line from index `start` on that matches `pattern` (waits for it)."""
        regex = re.compile(pattern)

        def found() -> re.Match | None:
            return next(filter(None, map(regex.search, self.lines[start:])), None)

        with self._new_line:
            assert self._new_line.wait_for(found, timeout), "".join(self.lines[-40:])
            return found()

    def flask(self, *args: str, **kw) -> str:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "cabinet", *args],
            cwd=ROOT, env=self.env, check=True, capture_output=True, text=True, timeout=240, **kw,
        ).stdout  # fmt: skip

    def pinned(self, upstream: str) -> requests.Session:
        """A browser whose route cookie sends it to `upstream`."""
        for n in itertools.count():
            http = requests.Session()
            http.cookies.set("ecabinet_route", f"tablet-{n}", domain="127.0.0.1")
            if http.get(f"{self.base}/sign-in", timeout=10).headers[UPSTREAM] == upstream:
                return http
            assert n < 200, "no route cookie reaches this worker"


def sign_in_through(
    http: requests.Session, base: str, email: str, password: str = PASSWORD
) -> None:
    sign_in(base, email, password, http)
