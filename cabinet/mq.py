"""The Redis message queue between workers, made so that a Redis fault never holds a request.

python-socketio's `RedisManager` publishes inside the emit: with Redis hung, every request that
broadcasts waits on redis-py's timeouts before its ack, and its listener retries after 1, 2, 4 …
60 s. Here an emit is delivered to this worker's own sockets at once (as before) and its
message for the other workers goes into a bounded outbox that one background task publishes
with a short timeout; messages older than `max_age` are dropped (the revision heartbeat heals
the tablets that missed them). The listener reconnects every `retry` seconds and logs the outage
once and the recovery once.
"""

from __future__ import annotations

import collections
import logging
import time
from typing import Any

import redis
import socketio

log = logging.getLogger(__name__)


class QueueManager(socketio.RedisManager):
    """A Redis client manager whose publishing is bounded, asynchronous and quick to recover."""

    name = "ecabinet-redis"

    def __init__(
        self,
        url: str,
        *,
        queue_size: int = 2000,
        timeout: float = 1.0,
        retry: float = 1.0,
        max_age: float = 10.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(url, **kwargs)
        self.timeout, self.retry, self.max_age = timeout, retry, max_age
        self._outbox: collections.deque[tuple[str, str, float]] = collections.deque(
            maxlen=queue_size
        )
        self._client: redis.Redis | None = None
        self._wake: Any = None
        self.dropped = 0
        self.down_since: float | None = None
        self.listening = False

    # ------------------------------------------------------------------------ publishing

    def initialize(self) -> None:
        """Start the listener (the base class) and the publisher."""
        self._wake = self.server.eio.create_event()
        super().initialize()
        self.server.start_background_task(self._publisher)

    def _publish(self, data: Any) -> None:
        self.enqueue(self.channel, self.json.dumps(data))

    def enqueue(self, channel: str, text: str) -> None:
        """Queue `text` for `channel`; returns at once. The oldest message goes when full."""
        server = self.server
        if self._wake is None and server is not None and not server.manager_initialized:
            # A worker that has no socket yet (the request came over HTTP) starts it here.
            server.manager_initialized = True
            self.initialize()
        if len(self._outbox) == self._outbox.maxlen:
            self.dropped += 1
        self._outbox.append((channel, text, time.monotonic()))
        if self._wake is not None:
            self._wake.set()

    @property
    def backlog(self) -> int:
        """Messages waiting to be published."""
        return len(self._outbox)

    def _publisher(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            while self._outbox:
                channel, text, queued_at = self._outbox[0]
                if time.monotonic() - queued_at > self.max_age:
                    self._outbox.popleft()
                    self.dropped += 1
                    continue
                try:
                    self._publishing_client().publish(channel, text)
                except Exception as error:  # Redis down or hung: try again shortly
                    self._client = None
                    self._mark_down(error)
                    self.server.sleep(self.retry)
                    continue
                self._outbox.popleft()
                self._mark_up("publishing")

    def _publishing_client(self) -> redis.Redis:
        if self._client is None:
            self._client = redis.Redis.from_url(
                self.redis_url,
                socket_timeout=self.timeout,
                socket_connect_timeout=self.timeout,
                socket_keepalive=True,
            )
        return self._client

    # ------------------------------------------------------------------------- listening

    def _redis_listen_with_retries(self):  # type: ignore[override]
        subscribed = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = self.listening = True
                    self._mark_up("listening")
                yield from self.pubsub.listen()
            except Exception as error:
                subscribed = self.listening = False
                self._mark_down(error)
                self.server.sleep(self.retry)

    def _redis_connect(self) -> None:
        # The listener blocks on its socket without a timeout (an idle queue is not a fault);
        # keepalive notices a peer that went away.
        self.redis = redis.Redis.from_url(
            self.redis_url, socket_connect_timeout=self.timeout, socket_keepalive=True
        )
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        self.connected = True

    # --------------------------------------------------------------------------- logging

    def _mark_down(self, error: BaseException) -> None:
        if self.down_since is None:
            self.down_since = time.monotonic()
            log.error(
                "message queue unreachable (%s); delivering to this worker's sockets only, "
                "retrying every %.1f s",
                type(error).__name__,
                self.retry,
            )

    def _mark_up(self, what: str) -> None:
        if self.down_since is not None:
            log.warning(
                "message queue reachable again (%s) after %.1f s; %d message(s) dropped",
                what,
                time.monotonic() - self.down_since,
                self.dropped,
            )
            self.down_since = None


def queue_of(server: Any) -> QueueManager | None:
    """The worker's queue manager, or None without a message queue."""
    manager = getattr(server, "manager", None)
    return manager if isinstance(manager, QueueManager) else None
