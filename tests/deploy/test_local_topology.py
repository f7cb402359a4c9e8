"""The deployment topology of deploy/local.py: Debian's nginx with docs/nginx.conf.example in front
of two gevent workers on one database and one Redis queue.

- stickiness by cookie, not by address: every client here comes from 127.0.0.1 (one "NAT"),
  yet clients spread over both workers, and each client stays on its worker;
- Socket.IO through nginx on a non-default port (the Host header keeps the port, so the origin
  check passes), long-polling first, then the WebSocket upgrade;
- a change made through one worker reaches a tablet held by the other (the Redis queue).
"""

from __future__ import annotations

import sys
import threading

import pytest
import requests
import socketio

from tests.access.test_eviction_workers import SETUP, USERS
from tests.deploy.topology import UPSTREAM, running, sign_in_through
from tests.workers import PASSWORD, csrf_token, run_in_instance


@pytest.fixture
def topology(tmp_path, redis_url):
    with running(tmp_path, redis_url) as topology:
        yield topology


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

    for email, role in USERS:
        topology.flask(
            "create-user", "--name", email, "--email", email, "--role", role,
            input=f"{PASSWORD}\n{PASSWORD}\n",
        )  # fmt: skip
    out = run_in_instance(topology.env, sys.executable, "-c", SETUP).split()
    meeting_id = int(out[-2])

    one, other = sorted(upstreams)
    followers = []
    try:
        for email, upstream in (("m1@mq.test", one), ("m2@mq.test", other)):
            http = topology.pinned(upstream)
            sign_in_through(http, base, email)
            # python-socketio's default transports: long-polling, then the WebSocket upgrade.
            followers.append(Tablet(base, http, meeting_id))
        clerk = topology.pinned(one)
        sign_in_through(clerk, base, "clerk@mq.test")
        changed = clerk.patch(
            f"{base}/api/v1/meetings/{meeting_id}",
            json={"title": "Phiên họp qua nginx"},
            headers={"X-CSRFToken": csrf_token(clerk, f"{base}/")},
            timeout=10,
        )
        assert changed.status_code == 200, changed.text
        for follower in followers:  # the tablet on the other worker hears it through Redis
            assert follower.heard_within("meeting.updated", 10), follower.events
            assert follower.client.transport() == "websocket"
    finally:
        for follower in followers:
            follower.client.disconnect()


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
