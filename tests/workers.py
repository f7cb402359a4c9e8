"""Server processes a test starts: gevent workers (`python app.py`) sharing one database (SQLite
in the instance folder) and one Redis queue, as production runs them, and the way to reach them
over HTTP. The `redis_url` fixture (tests/conftest.py) gives the queue."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import requests

from tests.conftest import free_port, wait_port

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "mat-khau-hang-doi"
FLASK = [sys.executable, "-m", "flask", "--app", "app", "cabinet"]


def worker_env(tmp: Path, redis_url: str, port: int) -> dict[str, str]:
    """The environment of a worker on `port`: one instance folder, one secret, one queue."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECABINET_")}
    env.update(
        ECABINET_INSTANCE_PATH=str(tmp / "instance"),
        ECABINET_SECRET_KEY="shared-secret-of-both-workers-" + "y" * 16,
        ECABINET_REDIS_URL=redis_url,
        ECABINET_ASYNC_MODE="gevent",
        ECABINET_TICK_IN_PROCESS="0",
        ECABINET_PORT=str(port),
    )
    return env


def run_in_instance(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """A command (CLI or script) in the workers' instance; its output."""
    return subprocess.run(
        list(args),
        cwd=ROOT,
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
        timeout=300,
    ).stdout


def sign_in(
    base: str, email: str, password: str = PASSWORD, http: requests.Session | None = None
) -> requests.Session:
    """An HTTP session (`http`, or a new one) signed in as `email` through the sign-in form."""
    http = http or requests.Session()
    page = http.get(f"{base}/sign-in", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = http.post(
        f"{base}/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        timeout=20,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text
    return http


def cookie_header(http: requests.Session) -> str:
    """The session's cookies as a `Cookie` header (for a socket client)."""
    return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def csrf_token(http: requests.Session, page: str) -> str:
    """The CSRF token a signed-in page carries in its meta tag."""
    return re.search(r'name="csrf-token" content="([^"]+)"', http.get(page, timeout=10).text)[1]


class Workers:
    """Two (or more) gevent workers on one instance and one Redis queue."""

    def __init__(self, tmp: Path, redis_url: str, count: int) -> None:
        self.tmp, self.redis_url = tmp, redis_url
        self.ports = [free_port() for _ in range(count)]
        self.env = worker_env(tmp, redis_url, self.ports[0])
        self.procs: list[subprocess.Popen] = []

    @property
    def bases(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def create_user(self, email: str, role: str) -> None:
        run_in_instance(
            self.env,
            *FLASK,
            "create-user",
            "--name",
            email,
            "--email",
            email,
            "--role",
            role,
            stdin=f"{PASSWORD}\n{PASSWORD}\n",
        )

    def start(self) -> None:
        for port in self.ports:
            self.procs.append(
                subprocess.Popen(
                    [sys.executable, "app.py"],
                    cwd=ROOT,
                    env=worker_env(self.tmp, self.redis_url, port),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for port in self.ports:
            wait_port(port, 180)

    def stop(self) -> None:
        for worker in self.procs:
            worker.terminate()
            worker.wait(timeout=10)


@contextlib.contextmanager
def gevent_workers(
    tmp: Path, redis_url: str, users: Iterable[tuple[str, str]], *, setup: str = "", count: int = 2
) -> Iterator[tuple[Workers, str]]:
    """`count` workers on a new instance with `users` ((email, role) pairs, password PASSWORD);
    `setup`, a Python script, runs in the instance before they start. Yields the workers and
    what the script printed."""
    workers = Workers(tmp, redis_url, count)
    run_in_instance(workers.env, *FLASK, "init")
    for email, role in users:
        workers.create_user(email, role)
    printed = run_in_instance(workers.env, sys.executable, "-c", setup) if setup else ""
    try:
        workers.start()
        yield workers, printed
    finally:
        workers.stop()
