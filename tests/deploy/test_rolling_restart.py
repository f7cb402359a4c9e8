"""A rolling SIGTERM restart of deploy/local.py's two gevent workers during vote bursts (issue
#14, "What it must show" 5), without the opt-in tests/scaleout suite: nginx in front, the Redis
queue, SQLite (or PostgreSQL on that backend), 24 tablets spread over both workers.

Worker A gets SIGTERM during a burst of casts; deploy/local.py starts it again; once it
answers, worker B gets SIGTERM during the next burst. For each: every tablet's cast is acked
and stored exactly once (resent, if at all, once and with the same client_id), the tablets on
the stopping worker are told `server.restarting`, and the worker logs its drain and exits 0
within ECABINET_DRAIN_SECONDS. On PostgreSQL the casts are also held in the database (a table
lock) until the worker has begun draining, so they are certainly in flight at SIGTERM: the
drain must commit and acknowledge every one of them (none may need a resend). SQLite cannot
hold them so (a worker waiting for SQLite's lock waits with all its greenlets): there the burst
is often answered before the signal lands, and the test checks the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.deploy.topology import Topology, running, sign_in_through
from tests.scaleout.seed import PASSWORD
from tests.scaleout.tablets import Tablet, wait_until
from tests.workers import ROOT

TABLETS = 24
DRAIN_SECONDS = 10
SETTINGS = {
    "DRAIN_SECONDS": str(DRAIN_SECONDS),
    "LOGIN_SLOWDOWN_SECONDS": "0",
    "LOGIN_IP_MAX_FAILURES": "1000",  # every tablet signs in from 127.0.0.1
    "LOG_FORMAT": "text",
}
WAIT = 120  # generous: a loaded 2-core machine starts a worker in seconds, not milliseconds


class DrainedTablet(Tablet):
    """tests/scaleout's tablet (rejoins after a reconnect, resends an unanswered cast with the
    same client_id), which also does what realtime.js does on `server.restarting` (it closes its
    link at once and reconnects through nginx) and counts its casts on the wire."""

    def __init__(self, url: str, cookie: str, meeting_id: int, upstream: str = "") -> None:
        super().__init__(url, cookie, meeting_id)
        self.upstream = upstream
        self.restarting = 0
        self.on_wire = 0  # casts written to the socket (first sends and resends)
        self.sio.on("server.restarting", self._on_restarting)
        emit = self.sio.emit

        async def counted(event: str, *args, **kwargs) -> None:
            await emit(event, *args, **kwargs)
            if event == "vote.cast":
                self.on_wire += 1

        self.sio.emit = counted

    async def _on_restarting(self, data=None) -> None:
        self.restarting += 1
        if self.sio.eio.ws is not None:  # like realtime.js: drop the link now, reconnect
            await self.sio.eio.ws.close()


class Worker:
    """One of deploy/local.py's workers, as its output tells: `WORKER n pid=… port=… up`."""

    def __init__(self, topology: Topology, n: int, start: int = 0) -> None:
        up = topology.wait_line(rf"\bWORKER {n} pid=(\d+) port=(\d+) up", WAIT, start)
        self.n, self.pid, self.port = n, int(up[1]), int(up[2])
        self.upstream = f"127.0.0.1:{self.port}"


class Meeting:
    """The topology, the seeded meeting in session, its chair and tablets, the database."""

    def __init__(self, topology: Topology, tmp_path: Path) -> None:
        self.topology = topology
        self.seed = json.loads(
            subprocess.run(
                [sys.executable, str(ROOT / "tests/scaleout/seed.py"), str(TABLETS)],
                cwd=ROOT,
                env=topology.env,
                check=True,
                capture_output=True,
                text=True,
                timeout=240,
            ).stdout
        )
        self.workers = [Worker(topology, 0), Worker(topology, 1)]
        url = topology.database or f"sqlite:///{tmp_path / 'instance' / 'ecabinet.db'}"
        self.engine = sa.create_engine(url, poolclass=sa.NullPool)
        self.chair: DrainedTablet | None = None
        self.tablets: list[DrainedTablet] = []

    def sign_in(self, email: str, upstream: str) -> str:
        """A cookie header for `email`, whose route cookie sends it to `upstream`."""
        http = self.topology.pinned(upstream)
        sign_in_through(http, self.topology.base, email, PASSWORD)
        return "; ".join(f"{k}={v}" for k, v in http.cookies.items())

    @property
    def everyone(self) -> list[DrainedTablet]:
        return [self.chair, *self.tablets]

    async def connect(self) -> None:
        upstreams = [self.workers[n % 2].upstream for n in range(TABLETS)]
        with ThreadPoolExecutor(4) as pool:
            cookies = list(pool.map(self.sign_in, self.seed["members"], upstreams))
            chair = self.sign_in(self.seed["chair"], self.workers[0].upstream)
        meeting_id = self.seed["meeting_id"]
        base = self.topology.base
        self.chair = DrainedTablet(base, chair, meeting_id)
        self.tablets = [
            DrainedTablet(base, cookie, meeting_id, upstream)
            for cookie, upstream in zip(cookies, upstreams, strict=True)
        ]
        for wave in range(0, len(self.everyone), 12):
            await asyncio.gather(*(t.start() for t in self.everyone[wave : wave + 12]))
        await wait_until(lambda: all(t.revision is not None for t in self.everyone), WAIT)

    async def disconnect(self) -> None:
        await asyncio.gather(*(t.stop() for t in self.everyone if t is not None))

    async def open_vote(self, question: str) -> int:
        data = {"meeting_id": self.seed["meeting_id"], "item_id": self.seed["item_id"]}
        ack = await self.chair.call("vote.open", {**data, "question": question, "kind": "open"})
        assert ack["ok"], ack
        return ack["poll"]["id"]

    def stored(self, poll_id: int) -> tuple[Counter, set[str]]:
        """Counted casts per voter, and the client_ids stored."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT voter_id, client_id FROM poll_open_casts WHERE poll_id = :poll"),
                {"poll": poll_id},
            ).all()
        return Counter(voter for voter, _ in rows), {client_id for _, client_id in rows}

    @contextlib.contextmanager
    def casts_held(self) -> Iterator[bool]:
        """PostgreSQL: every cast waits in the database (a table lock) until the block ends.
        (SQLite cannot: a worker waiting for SQLite's lock waits with all its greenlets.)"""
        if self.engine.dialect.name != "postgresql":
            yield False
            return
        with self.engine.connect() as conn:
            conn.execute(sa.text("LOCK TABLE poll_open_casts IN EXCLUSIVE MODE"))
            yield True
            conn.rollback()

    def cast_waiting_in(self, worker: Worker) -> bool:
        """PostgreSQL: a connection of `worker` waits for the lock (a cast in flight there)."""
        ports = _tcp_ports(worker.pid)
        with self.engine.connect() as conn:
            waiting = conn.execute(
                sa.text(
                    "SELECT client_port FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalars()
            return any(port in ports for port in waiting)


def _tcp_ports(pid: int) -> set[int]:
    """The local ports of the TCP sockets process `pid` holds (its database connections)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for name in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{name}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


async def _restart_during_burst(meeting: Meeting, n: int) -> dict:
    """SIGTERM worker `n` while a burst of casts is in flight; return what happened."""
    topology, worker = meeting.topology, meeting.workers[n]
    poll = await meeting.open_vote(f"Khởi động lại tiến trình {n} khi đang biểu quyết?")
    heard_before = [t.restarting for t in meeting.everyone]
    for tablet in meeting.tablets:
        tablet.on_wire = 0
    mark = len(topology.lines)
    choices = ("approve", "disapprove", "abstain")
    with meeting.casts_held() as held:
        burst = asyncio.gather(
            *(t.cast(poll, choices[i % 3]) for i, t in enumerate(meeting.tablets))
        )
        await wait_until(lambda: any(t.on_wire for t in meeting.tablets), WAIT)
        if held:
            await wait_until(lambda: meeting.cast_waiting_in(worker), WAIT)
        os.kill(worker.pid, signal.SIGTERM)
        draining = rf"\[{worker.pid}\] SIGTERM: stopped accepting; draining (\d+) in-flight"
        in_flight = await asyncio.to_thread(topology.wait_line, draining, WAIT, mark)
    casts = await burst
    drained = await asyncio.to_thread(
        topology.wait_line,
        rf"\[{worker.pid}\] SIGTERM: drained in ([\d.]+) s \((\d+) still in flight\), "
        rf"told (\d+) socket",
        WAIT,
        mark,
    )
    exited = await asyncio.to_thread(
        topology.wait_line, rf"\bWORKER {n} pid={worker.pid} exited code=(-?\d+)", WAIT, mark
    )
    meeting.workers[n] = await asyncio.to_thread(Worker, topology, n, mark)
    close = await meeting.chair.call("vote.close", {"poll_id": poll})
    assert close["ok"], close
    await wait_until(lambda: all(poll in t.closed for t in meeting.everyone), WAIT)
    heard = [t.restarting - b for t, b in zip(meeting.everyone, heard_before, strict=True)]
    return {
        "poll": poll,
        "casts": casts,
        "close": close,
        "held": held,
        "in_flight": int(in_flight[1]),
        "drain_seconds": float(drained[1]),
        "left": int(drained[2]),
        "told": int(drained[3]),
        "exit_code": int(exited[1]),
        "heard": heard,
    }


def _check(meeting: Meeting, outcome: dict) -> None:
    casts = outcome["casts"]
    acked = [c for c in casts if c.ack and c.ack.get("ok")]
    assert len(acked) == TABLETS, [(c.sends, c.errors, c.ack) for c in casts if c not in acked]
    per_voter, client_ids = meeting.stored(outcome["poll"])
    assert {c.client_id for c in acked} <= client_ids, "an acknowledged cast was lost"
    assert len(per_voter) == TABLETS and set(per_voter.values()) == {1}, per_voter
    assert outcome["close"]["result"]["cast"] == TABLETS, outcome["close"]["result"]
    sends = sorted(c.sends for c in casts)
    assert sends[-1] <= 2, sends  # at most one resend, with the same client_id
    if outcome["held"]:  # certainly in flight at SIGTERM: the drain answered every one
        assert outcome["in_flight"] >= 1 and sends[-1] == 1, (outcome["in_flight"], sends)
    # The worker drained within its budget, told its tablets, and ended cleanly.
    assert outcome["left"] == 0 and outcome["drain_seconds"] <= DRAIN_SECONDS, outcome
    assert outcome["exit_code"] == 0, outcome
    assert outcome["told"] >= 1 and sum(outcome["heard"]) == outcome["told"], outcome


@pytest.fixture
def meeting(tmp_path, redis_url):
    with running(tmp_path, redis_url, **SETTINGS) as topology:
        meeting = Meeting(topology, tmp_path)
        try:
            yield meeting
        finally:
            meeting.engine.dispose()


def _run_in_own_thread(make: Any) -> Any:
    """`asyncio.run(make())` in a thread of its own: in the whole suite the browser tests'
    Playwright keeps an event loop running in the main thread, where asyncio.run refuses."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(make())
        except BaseException as error:  # handed to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name="rolling-restart")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_a_rolling_sigterm_restart_during_bursts_loses_and_doubles_no_cast(meeting):
    async def scenario() -> list[dict]:
        await meeting.connect()
        try:
            first = await _restart_during_burst(meeting, 0)
            second = await _restart_during_burst(meeting, 1)  # after worker 0 is back
        finally:
            await meeting.disconnect()
        return [first, second]

    first, second = _run_in_own_thread(scenario)
    for outcome in (first, second):
        _check(meeting, outcome)
    # Worker 0's tablets were on it at its SIGTERM, and each was told so.
    on_first = [t for t in meeting.tablets if t.upstream == meeting.workers[0].upstream]
    assert on_first and all(t.restarting for t in on_first)
    log = "".join(meeting.topology.lines)
    assert "Traceback" not in log, log[log.index("Traceback") - 2000 :][:6000]
