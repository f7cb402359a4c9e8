"""Several server processes share one Redis message queue: an event raised in one process
reaches the sockets connected to another (production runs several gevent workers).

Uses the Redis at ECABINET_TEST_REDIS_URL (set by .ci/run) or starts a private redis-server.
"""

from __future__ import annotations

import threading

import socketio

from tests.workers import cookie_header, csrf_token, gevent_workers, sign_in

USERS = (("member@mq.test", "member"), ("admin@mq.test", "admin"))


def test_deactivation_on_one_worker_reaches_sockets_on_another(tmp_path, redis_url):
    client = socketio.Client(reconnection=False)
    with gevent_workers(tmp_path, redis_url, USERS) as (workers, _):
        first, second = workers.bases
        member = sign_in(first, "member@mq.test")
        revoked = threading.Event()
        client.on("session.revoked", lambda data: revoked.set())
        try:
            client.connect(
                first, headers={"Cookie": cookie_header(member)}, transports=["websocket"]
            )
            assert client.connected

            admin = sign_in(second, "admin@mq.test")
            token = csrf_token(admin, f"{second}/admin/users")
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
