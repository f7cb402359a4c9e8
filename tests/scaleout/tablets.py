"""Tablets that behave like static/js/realtime.js: python-socketio clients that rejoin their
meeting after every reconnect, resync on a revision gap or a newer heartbeat, and resend an
unanswered cast with the same client_id until the server answers."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import socketio

ACK_TIMEOUT = 10
#: Like realtime/revisions.js: a grace before resyncing on a newer heartbeat, plus a random
#: part of a spread (the tablets of one worker do not all rejoin in the same instant).
HEARTBEAT_GRACE = 1.0
HEARTBEAT_SPREAD = 1.0


@dataclass
class Cast:
    """One cast as the tablet saw it: how often it was sent, its answer and how long it took."""

    client_id: str
    sends: int = 0
    ack: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Tablet:
    """One signed-in tablet following one meeting."""

    def __init__(self, url: str, cookie: str, meeting_id: int) -> None:
        self.url, self.cookie, self.meeting_id = url, cookie, meeting_id
        self.sio = socketio.AsyncClient(
            reconnection=True,
            reconnection_delay=0.5,
            reconnection_delay_max=3,
            randomization_factor=0.5,
        )
        self.revision: int | None = None
        self.closed: dict[int, float] = {}  # poll id -> when this tablet knew it closed
        self.open_poll: int | None = None
        self.resyncs = 0
        self.joins = 0
        self.errors: list[str] = []
        self._syncing = False
        self.sio.on("connect", self._on_connect)
        for name in ("vote.opened", "vote.closed", "meeting.heartbeat"):
            self.sio.on(name, self._handler(name))

    async def start(self) -> None:
        # Headers as a callable, built afresh for every (re)connection: python-engineio moves a
        # Cookie header out of the dict it is given into its HTTP session, which is closed on a
        # disconnect, so a plain dict would reconnect without the session cookie (refused).
        await self.sio.connect(
            self.url,
            headers=lambda: {"Cookie": self.cookie},
            transports=["websocket"],
            wait_timeout=30,
        )

    async def stop(self) -> None:
        await self.sio.disconnect()

    # ---------------------------------------------------------------------- the meeting

    async def _on_connect(self) -> None:
        asyncio.get_running_loop().create_task(self.join())

    async def join(self) -> None:
        for attempt in range(20):
            # (Inside the connect handler `connected` is not True yet: only later attempts ask.)
            if attempt and not self.sio.connected:
                return  # the next connect joins again
            try:
                ack = await self.sio.call(
                    "meeting.join", {"meeting_id": self.meeting_id}, timeout=ACK_TIMEOUT
                )
            except Exception as error:  # timed out (a busy server) or the link dropped: again
                self.errors.append(type(error).__name__)
                continue
            if not ack.get("ok"):
                self.errors.append(ack["error"]["code"])
            if ack.get("ok"):
                self._apply_snapshot(ack["state"])
                self.joins += 1
                return
            await asyncio.sleep(0.5)  # unavailable: try again

    def _apply_snapshot(self, state: dict[str, Any]) -> None:
        self.revision = state.get("revision")
        vote = state["live"].get("vote")
        self.open_poll = vote["poll"]["id"] if vote else None
        last = state["live"].get("last_result")
        if last and last["id"] not in self.closed:
            self.closed[last["id"]] = time.monotonic()

    async def resync(self) -> None:
        if self._syncing:
            return
        self._syncing = True
        self.resyncs += 1
        try:
            await self.join()
        finally:
            self._syncing = False

    def _handler(self, name: str):
        async def handle(payload: dict[str, Any]) -> None:
            revision = payload.get("revision")
            if name == "meeting.heartbeat":
                if self.revision is not None and revision > self.revision:
                    await asyncio.sleep(HEARTBEAT_GRACE + random.uniform(0, HEARTBEAT_SPREAD))
                    if self.revision is not None and revision > self.revision:
                        await self.resync()
                return
            if isinstance(revision, int) and self.revision is not None:
                if revision > self.revision + 1:
                    asyncio.get_running_loop().create_task(self.resync())
                elif revision >= self.revision:
                    self.revision = revision
            poll = payload["poll"]["id"]
            if name == "vote.opened":
                self.open_poll = poll
            elif name == "vote.closed":
                self.closed.setdefault(poll, time.monotonic())

        return handle

    # ------------------------------------------------------------------------- requests

    async def call(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """A one-shot request (the chair's), retried while unanswered or unavailable."""
        for _ in range(60):
            await self.connected()
            try:
                ack = await self.sio.call(event, data, timeout=ACK_TIMEOUT)
            except Exception:
                continue
            if ack.get("ok") or ack["error"]["code"] != "unavailable":
                return ack
            await asyncio.sleep(0.5)
        raise AssertionError(f"{event} never answered")

    async def cast(self, poll_id: int, choice: str) -> Cast:
        """Cast like realtime.js's request(..., {retry: true}): one client_id, resent until the
        server answers (a timeout, a lost link or `unavailable` sends it again)."""
        cast = Cast(client_id=str(uuid.uuid4()))
        started = time.monotonic()
        data = {"poll_id": poll_id, "choice": choice, "client_id": cast.client_id}
        while cast.ack is None and time.monotonic() - started < 120:
            await self.connected()
            cast.sends += 1
            try:
                ack = await self.sio.call("vote.cast", data, timeout=ACK_TIMEOUT)
            except Exception as error:
                cast.errors.append(type(error).__name__)
                continue
            if ack.get("ok"):
                cast.ack = ack
            else:
                cast.errors.append(ack["error"]["code"])
                if ack["error"]["code"] != "unavailable":
                    cast.ack = ack
                else:
                    await asyncio.sleep(0.5)
        cast.seconds = time.monotonic() - started
        return cast

    async def connected(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not self.sio.connected:
            assert time.monotonic() < deadline, "never reconnected"
            await asyncio.sleep(0.05)


async def wait_until(predicate, timeout: float, step: float = 0.1) -> float:
    """Wait for `predicate()`; returns the seconds it took (AssertionError after `timeout`)."""
    started = time.monotonic()
    while not predicate():
        assert time.monotonic() - started < timeout, "condition not reached in time"
        await asyncio.sleep(step)
    return time.monotonic() - started
