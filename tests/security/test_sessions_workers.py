"""Finding 4 across workers: signing out on one worker reaches that session's socket on another
through the Redis queue within a second, and the cookie stops working on both."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time

import socketio

from tests.cabinet.test_message_queue import (  # noqa: F401  (redis_url is a fixture)
    PASSWORD,
    ROOT,
    _env,
    _sign_in,
    _wait_port,
    redis_url,
)
from tests.conftest import free_port


def test_sign_out_on_one_worker_reaches_the_sessions_socket_on_another(tmp_path, redis_url):  # noqa: F811
    ports = free_port(), free_port()
    flask = [sys.executable, "-m", "flask", "--app", "app", "cabinet"]
    env = _env(tmp_path, redis_url, ports[0])
    subprocess.run(
        [*flask, "init"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=180
    )
    subprocess.run(
        [*flask, "create-user", "--name", "M", "--email", "m@mq.test", "--role", "member"],
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
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    client = socketio.Client(reconnection=False)
    try:
        for port in ports:
            _wait_port(port, 180)
        first, second = (f"http://127.0.0.1:{port}" for port in ports)
        member = _sign_in(first, "m@mq.test")
        revoked = threading.Event()
        client.on("session.revoked", lambda data: revoked.set())
        cookie = "; ".join(f"{k}={v}" for k, v in member.cookies.items())
        client.connect(first, headers={"Cookie": cookie}, transports=["websocket"])
        assert client.connected
        token = re.search(
            r'name="csrf-token" content="([^"]+)"', member.get(f"{second}/", timeout=10).text
        ).group(1)
        started = time.monotonic()
        out = member.post(f"{second}/sign-out", data={"csrf_token": token}, timeout=10)
        assert out.status_code == 200
        assert revoked.wait(1.0), "the socket on worker 1 did not hear of the sign-out within 1 s"
        assert time.monotonic() - started < 1.5
        stale = {"Cookie": cookie}
        assert member.get(f"{first}/api/v1/me", headers=stale, timeout=10).status_code == 401
    finally:
        if client.connected:
            client.disconnect()
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=10)
