"""Several server processes share one Redis message queue: an event raised in one process
reaches the sockets connected to another (production runs several gevent workers).

Uses the Redis at ECABINET_TEST_REDIS_URL (set by .ci/run) or starts a private redis-server.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import socketio

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-hang-doi"


@pytest.fixture(scope="module")
def redis_url():
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
    _wait_port(port)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


def _wait_port(port: int, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


def _env(tmp: Path, redis_url: str, port: int) -> dict[str, str]:
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


def _sign_in(base: str, email: str) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base}/sign-in", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = http.post(
        f"{base}/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        timeout=20,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text
    return http


def test_deactivation_on_one_worker_reaches_sockets_on_another(tmp_path, redis_url):
    ports = free_port(), free_port()
    flask = [sys.executable, "-m", "flask", "--app", "app", "cabinet"]
    env = _env(tmp_path, redis_url, ports[0])
    subprocess.run(
        [*flask, "init"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=180
    )
    for email, role in (("member@mq.test", "member"), ("admin@mq.test", "admin")):
        subprocess.run(
            [*flask, "create-user", "--name", email, "--email", email, "--role", role],
            cwd=ROOT,
            env=env,
            input=f"{PASSWORD}\n{PASSWORD}\n",
            text=True,
            check=True,
            capture_output=True,
            timeout=60,
        )
    workers = [
        subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=ROOT,
            env=_env(tmp_path, redis_url, port),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    client = socketio.Client(reconnection=False)
    try:
        for port in ports:
            _wait_port(port, 60)
        first, second = (f"http://127.0.0.1:{port}" for port in ports)
        member = _sign_in(first, "member@mq.test")
        revoked = threading.Event()
        client.on("session.revoked", lambda data: revoked.set())
        client.connect(
            first,
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in member.cookies.items())},
            transports=["websocket"],
        )
        assert client.connected

        admin = _sign_in(second, "admin@mq.test")
        token = re.search(
            r'name="csrf-token" content="([^"]+)"',
            admin.get(f"{second}/admin/users", timeout=10).text,
        ).group(1)
        users = admin.get(f"{second}/api/v1/users", timeout=10).json()
        member_id = next(u["id"] for u in users if u["email"] == "member@mq.test")
        patched = admin.patch(
            f"{second}/api/v1/users/{member_id}",
            json={"active": False},
            headers={"X-CSRFToken": token},
            timeout=10,
        )
        assert patched.status_code == 200

        assert revoked.wait(10), (
            "the socket on worker 1 never heard of the deactivation on worker 2"
        )
        assert member.get(f"{first}/api/v1/me", timeout=10).status_code == 401
    finally:
        if client.connected:
            client.disconnect()
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=10)
            worker.stderr.close()
