"""500 tablets in one session vote at once on the real server (gevent, subprocess).

Measured, on SQLite and on PostgreSQL (when BENCH_PG_URL or ECABINET_TEST_DATABASE_URL is set):

* casts: every tablet sends `vote.cast` at the same instant; time until the last durable ack
  (each ack is sent after the commit); then every cast is resent (same client id) and the
  database is checked: exactly one stored cast per tablet, none lost, none doubled;
* result fan-out: the chair closes the vote; time until the last tablet has `vote.closed`
  (rounds of open → close), beside a bare python-socketio server broadcasting the same
  message to the same number of clients when a client asks;
* reconnect: a tablet disconnects, connects again and sends `meeting.join`; time until it
  holds the full state (p50 / p99), while the other tablets stay connected.

    python bench/bench_votes.py                    # 500 tablets, SQLite (+ PostgreSQL if set)
    python bench/bench_votes.py --tablets 100 --rounds 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Scenario,
    app_environment,
    app_server,
    free_port,
    percentile,
    print_table,
    run_process,
    save_results,
    signed_in_cookie,
)

SECRET = "bench-votes-secret-" + "k" * 32
TIMEOUT = 60.0

BARE_SERVER = textwrap.dedent(
    """
    from gevent import monkey; monkey.patch_all()
    import sys
    import socketio
    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    sio = socketio.Server(async_mode="gevent", cors_allowed_origins="*")

    @sio.on("meeting.join")
    def join(sid, data):
        sio.enter_room(sid, "meeting:1")
        return {"ok": True}

    @sio.on("vote.close")
    def close(sid, data):
        sio.emit("vote.closed", data["payload"], to="meeting:1")
        return {"ok": True}

    app = socketio.WSGIApp(sio)
    pywsgi.WSGIServer(("127.0.0.1", int(sys.argv[1])), app, handler_class=WebSocketHandler, log=None).serve_forever()
    """
)


def prepare(workdir: Path, database_url: str, tablets: int) -> dict:
    """Schema, `tablets` members + the chair on seats, a published meeting opened, all present."""
    os.environ.update(
        app_environment(
            database_url,
            workdir,
            {"ECABINET_SECRET_KEY": SECRET, "ECABINET_ASYNC_MODE": "threading"},
        )
    )
    from datetime import timedelta

    from cabinet import create_app
    from cabinet.db import Base, db, utcnow
    from cabinet.users.models import CabinetSeat, Role, User, UserRole
    from meetings.live import services as live
    from meetings.live.models import AttendanceMode
    from meetings.models import (
        AgendaItem,
        Meeting,
        MeetingParticipant,
        MeetingState,
        ParticipantRole,
    )

    app = create_app()
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        users = []
        for n in range(tablets + 1):
            user = User(name=f"Thành viên {n}", email=f"v{n}@bench.test", password_hash="x")
            user.role_rows.append(UserRole(role=Role.MEMBER))
            if n == 0:
                user.role_rows.append(UserRole(role=Role.CHAIR))
            users.append(user)
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all(CabinetSeat(member_id=u.id, position=i) for i, u in enumerate(users))
        meeting = Meeting(
            title="Phiên họp đo tải biểu quyết",
            starts_at=utcnow() + timedelta(hours=1),
            chair_id=users[0].id,
            state=MeetingState.PUBLISHED,
        )
        meeting.participants.extend(
            MeetingParticipant(user_id=u.id, role=ParticipantRole.MEMBER) for u in users
        )
        meeting.items.append(AgendaItem(position=1, title="Dự án Luật", planned_minutes=30))
        db.session.add(meeting)
        db.session.flush()
        with app.test_request_context():
            live.open_session(meeting, users[0])
            for user in users:
                live.check_in(meeting, user, AttendanceMode.IN_ROOM)
        cookies = [signed_in_cookie(app, u) for u in users]
        db.session.commit()
        return {
            "meeting_id": meeting.id,
            "item_id": meeting.items[0].id,
            "chair": cookies[0],
            "members": cookies[1:],
        }


def count_casts(database_url: str, poll_id: int) -> tuple[int, int]:
    """(stored casts, distinct voters) of a poll, read straight from the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT count(*), count(DISTINCT voter_id) FROM poll_open_casts WHERE poll_id = :p"
            ),
            {"p": poll_id},
        ).one()
    engine.dispose()
    return int(rows[0]), int(rows[1])


async def connect(
    url: str, cookie: str, meeting_id: int, inbox: list | None = None, index: int = 0
):
    """A signed-in tablet following the meeting."""
    client = socketio.AsyncClient(reconnection=False)
    if inbox is not None:

        @client.on("vote.closed")
        async def closed(data):
            inbox.append((index, time.perf_counter(), data["poll"]["id"]))

    await client.connect(
        url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=TIMEOUT
    )
    ack = await client.call("meeting.join", {"meeting_id": meeting_id}, timeout=TIMEOUT)
    if not ack or not ack.get("ok"):
        raise RuntimeError(f"join refused: {ack}")
    return client


async def connect_all(url: str, cookies: list[str], meeting_id: int, inbox: list) -> list:
    """Connect every tablet, in batches of 50 (a room fills over seconds)."""
    clients = []
    for start in range(0, len(cookies), 50):
        batch = cookies[start : start + 50]
        clients += await asyncio.gather(
            *(connect(url, c, meeting_id, inbox, start + i) for i, c in enumerate(batch))
        )
    return clients


async def wait_for(inbox: list, poll_id: int, n: int) -> None:
    deadline = time.monotonic() + TIMEOUT
    while sum(1 for _, _, p in inbox if p == poll_id) < n:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(inbox)}/{n} tablets got the result")
        await asyncio.sleep(0.001)


async def run_app(url: str, database_url: str, data: dict, rounds: int, reconnects: int) -> dict:
    """Casts, result fan-out and reconnects on the real app."""
    inbox: list = []
    members = data["members"]
    chair = await connect(url, data["chair"], data["meeting_id"])
    tablets = await connect_all(url, members, data["meeting_id"], inbox)
    await asyncio.sleep(0.5)
    opened = await chair.call(
        "vote.open",
        {"meeting_id": data["meeting_id"], "item_id": data["item_id"], "question": "Thông qua?"},
        timeout=TIMEOUT,
    )
    poll_id = opened["poll"]["id"]
    client_ids = [uuid.uuid4().hex for _ in tablets]
    choices = ["approve", "disapprove", "abstain"]

    async def cast(i: int):
        ack = await tablets[i].call(
            "vote.cast",
            {"poll_id": poll_id, "choice": choices[i % 3], "client_id": client_ids[i]},
            timeout=TIMEOUT,
        )
        return time.perf_counter(), ack

    t0 = time.perf_counter()
    acks = await asyncio.gather(*(cast(i) for i in range(len(tablets))))
    all_acked_ms = (max(t for t, _ in acks) - t0) * 1000
    ok = sum(1 for _, a in acks if a and a.get("ok"))
    resent = await asyncio.gather(*(cast(i) for i in range(len(tablets))))
    duplicates_ok = sum(1 for _, a in resent if a and a.get("ok") and a.get("duplicate"))
    stored, voters = count_casts(database_url, poll_id)

    fanout = []
    t_close = time.perf_counter()
    closed = await chair.call("vote.close", {"poll_id": poll_id}, timeout=TIMEOUT)
    await wait_for(inbox, poll_id, len(tablets))
    fanout.append((max(t for _, t, p in inbox if p == poll_id) - t_close) * 1000)
    result = closed["result"]
    payload_holder: list = []

    @tablets[0].on("vote.closed")
    async def keep(data):  # the exact message, replayed by the bare baseline
        payload_holder.append(data)
        inbox.append((0, time.perf_counter(), data["poll"]["id"]))

    for _ in range(rounds):
        opened = await chair.call(
            "vote.open",
            {
                "meeting_id": data["meeting_id"],
                "item_id": data["item_id"],
                "question": "Biểu quyết tiếp?",
            },
            timeout=TIMEOUT,
        )
        pid = opened["poll"]["id"]
        await asyncio.sleep(0.05)
        t_close = time.perf_counter()
        await chair.call("vote.close", {"poll_id": pid}, timeout=TIMEOUT)
        await wait_for(inbox, pid, len(tablets))
        fanout.append((max(t for _, t, p in inbox if p == pid) - t_close) * 1000)
        await asyncio.sleep(0.05)

    # Reconnects: one tablet at a time drops and comes back to the full state.
    reconnect = []
    for i in range(reconnects):
        idx = i % len(tablets)
        await tablets[idx].disconnect()
        t = time.perf_counter()
        client = socketio.AsyncClient(reconnection=False)
        await client.connect(
            url, headers={"Cookie": members[idx]}, transports=["websocket"], wait_timeout=TIMEOUT
        )
        ack = await client.call("meeting.join", {"meeting_id": data["meeting_id"]}, timeout=TIMEOUT)
        reconnect.append((time.perf_counter() - t) * 1000)
        assert ack["ok"] and "live" in ack["state"]
        tablets[idx] = client
    await asyncio.gather(*(c.disconnect() for c in tablets), chair.disconnect())
    return {
        "all_acked_ms": all_acked_ms,
        "acked": ok,
        "duplicates_acked": duplicates_ok,
        "stored": stored,
        "voters": voters,
        "result": {k: result[k] for k in ("approve", "disapprove", "abstain", "passed")},
        "fanout": fanout,
        "reconnect": reconnect,
        "payload": payload_holder[-1] if payload_holder else None,
    }


async def run_bare(url: str, n: int, rounds: int, payload: dict) -> list[float]:
    """The same message broadcast by a bare python-socketio server to the same number of clients."""
    inbox: list = []
    trigger = await connect(url, "x=1", 1)
    clients = []
    for start in range(0, n, 50):
        clients += await asyncio.gather(
            *(connect(url, "x=1", 1, inbox, start + i) for i in range(min(50, n - start)))
        )
    await asyncio.sleep(0.5)
    times = []
    for r in range(rounds + 1):
        message = json.loads(json.dumps(payload))
        message["poll"]["id"] = 10_000 + r
        t = time.perf_counter()
        await trigger.call("vote.close", {"payload": message}, timeout=TIMEOUT)
        await wait_for(inbox, message["poll"]["id"], n)
        times.append((max(x for _, x, p in inbox if p == message["poll"]["id"]) - t) * 1000)
        await asyncio.sleep(0.05)
    await asyncio.gather(*(c.disconnect() for c in clients), trigger.disconnect())
    return times


def run_backend(
    label: str, database_url: str, workdir: Path, args, bare_url: str
) -> tuple[list[Scenario], dict]:
    """Every measurement on one database backend."""
    data = prepare(workdir, database_url, args.tablets)
    env = {
        "ECABINET_SECRET_KEY": SECRET,
        "ECABINET_LOGIN_SLOWDOWN_SECONDS": "0",
        "ECABINET_TICK_IN_PROCESS": "0",
    }
    with app_server(database_url, instance_path=workdir, env=env) as server:
        app = asyncio.run(run_app(server.url, database_url, data, args.rounds, args.reconnects))
    bare = asyncio.run(run_bare(bare_url, args.tablets, args.rounds, app["payload"]))
    n = args.tablets
    complete = (
        app["acked"] == n and app["duplicates_acked"] == n and app["stored"] == n == app["voters"]
    )
    results = [
        Scenario(
            f"[{label}] {n} casts at once → last durable ack",
            app["all_acked_ms"],
            None,
            "ms",
            limit=1000,
            note=f"acked {app['acked']}/{n}, resent acked as duplicates {app['duplicates_acked']}/{n}, stored {app['stored']} casts of {app['voters']} voters"
            + ("" if complete else " — MISMATCH"),
        ),
        Scenario(
            f"[{label}] close → last of {n} tablets has the result, p99",
            percentile(app["fanout"], 99),
            percentile(bare, 99),
            "ms",
            target=1.25,
            baseline_name="bare python-socketio broadcast of the same message (gevent)",
            note=f"p50 {percentile(app['fanout'], 50):.0f} ms vs bare {percentile(bare, 50):.0f} ms; close = lock, tally, result record, audit, commit",
        ),
        Scenario(
            f"[{label}] reconnect → full state, p99",
            percentile(app["reconnect"], 99),
            None,
            "ms",
            limit=300,
            note=f"p50 {percentile(app['reconnect'], 50):.0f} ms over {len(app['reconnect'])} reconnects, {n} tablets connected",
        ),
    ]
    detail = {k: v for k, v in app.items() if k != "payload"} | {
        "bare_fanout": bare,
        "complete": complete,
    }
    return results, detail


def main() -> None:
    """Run on SQLite (and PostgreSQL when configured), print the table, save bench/out/votes.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tablets", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--reconnects", type=int, default=100)
    args = parser.parse_args()
    pg_url = os.environ.get("BENCH_PG_URL") or os.environ.get("ECABINET_TEST_DATABASE_URL")
    results: list[Scenario] = []
    details = {}
    with tempfile.TemporaryDirectory(prefix="bench-votes-") as tmp:
        workdir = Path(tmp)
        bare_port = free_port()
        bare_script = workdir / "bare_server.py"
        bare_script.write_text(BARE_SERVER)
        with run_process([sys.executable, str(bare_script), str(bare_port)], bare_port) as bare:
            backends = [("SQLite", f"sqlite:///{workdir / 'ecabinet.db'}")]
            if pg_url:
                backends.append(("PostgreSQL", pg_url))
            for label, url in backends:
                found, detail = run_backend(label, url, workdir, args, bare.url)
                results += found
                details[label] = detail
                print(
                    f"{label}: {json.dumps({k: v for k, v in detail.items() if k not in ('fanout', 'reconnect', 'bare_fanout')})}",
                    flush=True,
                )
    print_table(results)
    path = save_results("votes", results, extra={"tablets": args.tablets, "details": details})
    print(f"saved {path}")


if __name__ == "__main__":
    main()
