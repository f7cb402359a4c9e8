"""Finding 4 across workers: signing out on one worker reaches that session's socket on another
through the Redis queue within a second, and the cookie stops working on both."""

from __future__ import annotations

import threading
import time

import socketio

from tests.workers import cookie_header, csrf_token, gevent_workers, sign_in


def test_sign_out_on_one_worker_reaches_the_sessions_socket_on_another(tmp_path, redis_url):
    client = socketio.Client(reconnection=False)
    with gevent_workers(tmp_path, redis_url, [("m@mq.test", "member")]) as (workers, _):
        first, second = workers.bases
        member = sign_in(first, "m@mq.test")
        revoked = threading.Event()
        client.on("session.revoked", lambda data: revoked.set())
        cookie = cookie_header(member)
        try:
            client.connect(first, headers={"Cookie": cookie}, transports=["websocket"])
            assert client.connected
            token = csrf_token(member, f"{second}/")
            started = time.monotonic()
            out = member.post(f"{second}/sign-out", data={"csrf_token": token}, timeout=10)
            assert out.status_code == 200
            assert revoked.wait(1.0), (
                "the socket on worker 1 did not hear of the sign-out within 1 s"
            )
            assert time.monotonic() - started < 1.5
            stale = {"Cookie": cookie}
            assert member.get(f"{first}/api/v1/me", headers=stale, timeout=10).status_code == 401
        finally:
            if client.connected:
                client.disconnect()
