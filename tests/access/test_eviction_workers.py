"""Finding 3 across workers: two gevent workers share one Redis; an access change made on one
reaches a socket held by the other within a second (see tests/cabinet/test_message_queue.py)."""

from __future__ import annotations

import threading
import time

import socketio

from tests.workers import cookie_header, csrf_token, gevent_workers, sign_in

SETUP = """
from datetime import timedelta
from sqlalchemy import select
from cabinet import create_app
from cabinet.db import db, utcnow
from cabinet.users.models import User
from meetings import services

app = create_app()
with app.test_request_context():
    people = {u.email: u for u in db.session.scalars(select(User))}
    clerk = people["clerk@mq.test"]
    meeting = services.create_meeting(
        {"title": "Phiên họp thử", "starts_at": utcnow() + timedelta(days=9),
         "member_ids": [people["m1@mq.test"].id, people["m2@mq.test"].id]},
        actor=clerk,
    )
    services.publish_meeting(meeting, actor=clerk)
    db.session.commit()
    print(meeting.id, people["m2@mq.test"].id)
"""


class Follower:
    """A socket.io client that follows a meeting and records what it hears."""

    def __init__(self, base: str, http, meeting_id: int) -> None:
        self.events: list[tuple[str, dict]] = []
        self.heard = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        self.client.connect(
            base,
            headers={"Cookie": cookie_header(http)},
            transports=["websocket"],
        )
        ack = self.client.call("meeting.join", {"meeting_id": meeting_id}, timeout=10)
        assert ack["ok"], ack

    def _record(self, event, data=None) -> None:
        with self.heard:
            self.events.append((event, data))
            self.heard.notify_all()

    def wait_for(self, name: str, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        with self.heard:
            while True:
                found = [d for e, d in self.events if e == name]
                if found:
                    return found[-1]
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.heard.wait(left)

    def names(self) -> list[str]:
        with self.heard:
            return [e for e, _d in self.events]


USERS = (("clerk@mq.test", "secretariat"), ("m1@mq.test", "member"), ("m2@mq.test", "member"))


def test_3_access_changes_on_one_worker_reach_sockets_on_another(tmp_path, redis_url):
    followers: list[Follower] = []
    with gevent_workers(tmp_path, redis_url, USERS, setup=SETUP) as (workers, printed):
        meeting_id, m2_id = (int(n) for n in printed.split()[-2:])
        first, second = workers.bases
        try:
            m1 = Follower(first, sign_in(first, "m1@mq.test"), meeting_id)
            m2 = Follower(first, sign_in(first, "m2@mq.test"), meeting_id)
            followers += [m1, m2]
            time.sleep(0.5)  # worker 1 subscribes to the eviction channel on its first connect
            clerk = sign_in(second, "clerk@mq.test")
            headers = {"X-CSRFToken": csrf_token(clerk, f"{second}/")}
            url = f"{second}/api/v1/meetings/{meeting_id}"

            # 1. m1 taken off the invitation on worker 2: out of the room on worker 1 within 1 s.
            changed = clerk.patch(url, json={"member_ids": [m2_id]}, headers=headers, timeout=10)
            assert changed.status_code == 200, changed.text
            assert m1.wait_for("meeting.access_revoked", 1.0) == {
                "meeting_id": meeting_id,
                "reason": "uninvited",
            }
            m1.events.clear()
            m2.events.clear()
            clerk.patch(url, json={"title": "Tên mới"}, headers=headers, timeout=10)
            assert m2.wait_for("meeting.updated", 5)
            time.sleep(0.3)
            assert "meeting.updated" not in m1.names()

            # 2. Back to draft on worker 2: the remaining member leaves the room on worker 1.
            moved = clerk.post(f"{url}/state", json={"state": "draft"}, headers=headers, timeout=10)
            assert moved.status_code == 200, moved.text
            assert m2.wait_for("meeting.access_revoked", 1.0)["reason"] == "unpublished"
        finally:
            for follower in followers:
                if follower.client.connected:
                    follower.client.disconnect()
