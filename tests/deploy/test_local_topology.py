"""The deployment topology of deploy/local.py: Debian's nginx with docs/nginx.conf.example in front
of two gevent workers on one database and one Redis queue.

- stickiness by cookie, not by address: every client here comes from 127.0.0.1 (one "NAT"),
  yet clients spread over both workers, and each client stays on its worker;
- Socket.IO through nginx on a non-default port (the Host header keeps the port, so the origin
  check passes), long-polling first, then the WebSocket upgrade;
- a change made through one worker reaches a tablet held by the other (the Redis queue).
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import threading

import psycopg
import pytest
import requests
import socketio
from sqlalchemy.engine import make_url

from tests.access.test_eviction_workers import SETUP, _csrf
from tests.cabinet.test_message_queue import (  # noqa: F401  (redis_url is a fixture)
    PASSWORD,
    ROOT,
    redis_url,
)
from tests.conftest import BACKEND, PG_URL, free_port

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


@pytest.fixture
def topology(tmp_path, redis_url):  # noqa: F811
    instance = tmp_path / "instance"
    database = _database()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECABINET_")}
    env.update(
        ECABINET_INSTANCE_PATH=str(instance),
        ECABINET_TICK_IN_PROCESS="0",
        ECABINET_SECRET_KEY="shared-secret-of-every-worker-" + "z" * 16,
        PYTHONPATH=str(ROOT),
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
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            if line.startswith("READY"):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(300), "".join(lines[-30:])
        yield Topology(f"http://127.0.0.1:{port}", env)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        process.stdout.close()


class Topology:
    def __init__(self, base: str, env: dict[str, str]) -> None:
        self.base = base
        self.env = env

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


def test_nginx_pins_clients_by_cookie_and_carries_sockets_across_workers(topology):
    base = topology.base
    # A new client gets a route cookie from nginx, and keeps its worker with it.
    first = requests.Session()
    answer = first.get(f"{base}/sign-in", timeout=10)
    assert answer.status_code == 200 and first.cookies.get("ecabinet_route")
    seen = {first.get(f"{base}/sign-in", timeout=10).headers[UPSTREAM] for _ in range(10)}
    assert seen == {answer.headers[UPSTREAM]}
    assert "ecabinet_route" not in first.get(f"{base}/sign-in", timeout=10).headers.get(
        "Set-Cookie", ""
    )
    # 32 clients from the same address: both workers get some (ip_hash would give one all).
    upstreams = {requests.get(f"{base}/sign-in", timeout=10).headers[UPSTREAM] for _ in range(32)}
    assert len(upstreams) == 2, upstreams

    for email, role in (
        ("clerk@mq.test", "secretariat"),
        ("m1@mq.test", "member"),
        ("m2@mq.test", "member"),
    ):
        topology.flask(
            "create-user", "--name", email, "--email", email, "--role", role,
            input=f"{PASSWORD}\n{PASSWORD}\n",
        )  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", SETUP],
        cwd=ROOT, env=topology.env, check=True, capture_output=True, text=True, timeout=240,
    ).stdout.split()  # fmt: skip
    meeting_id = int(out[-2])

    one, other = sorted(upstreams)
    followers = []
    try:
        for email, upstream in (("m1@mq.test", one), ("m2@mq.test", other)):
            http = topology.pinned(upstream)
            _sign_in_through(http, base, email)
            # python-socketio's default transports: long-polling, then the WebSocket upgrade.
            followers.append(Tablet(base, http, meeting_id))
        clerk = topology.pinned(one)
        _sign_in_through(clerk, base, "clerk@mq.test")
        changed = clerk.patch(
            f"{base}/api/v1/meetings/{meeting_id}",
            json={"title": "Phiên họp qua nginx"},
            headers={"X-CSRFToken": _csrf(clerk, base)},
            timeout=10,
        )
        assert changed.status_code == 200, changed.text
        for follower in followers:  # the tablet on the other worker hears it through Redis
            assert follower.heard_within("meeting.updated", 10), follower.events
            assert follower.client.transport() == "websocket"
    finally:
        for follower in followers:
            follower.client.disconnect()


def _sign_in_through(http: requests.Session, base: str, email: str) -> None:
    page = http.get(f"{base}/sign-in", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = http.post(
        f"{base}/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        timeout=20,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text


class Tablet:
    """A socket.io client through nginx (long-polling first, then the WebSocket upgrade)."""

    def __init__(self, base: str, http: requests.Session, meeting_id: int) -> None:
        self.events: list[str] = []
        self.heard = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        cookies = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        # websocket-client sends `Origin: <base>` itself; the app checks it against the Host.
        self.client.connect(base, headers={"Cookie": cookies})
        ack = self.client.call("meeting.join", {"meeting_id": meeting_id}, timeout=10)
        assert ack["ok"], ack

    def _record(self, event, data=None) -> None:
        with self.heard:
            self.events.append(event)
            self.heard.notify_all()

    def heard_within(self, name: str, timeout: float) -> bool:
        with self.heard:
            return self.heard.wait_for(lambda: name in self.events, timeout)
