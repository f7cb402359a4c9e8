"""Agenda fan-out: N signed-in tablets follow one meeting on the real server; the secretariat
reorders the agenda over HTTP; how long until the last tablet has the new order?

Beside it, in the same run and with the same client harness: a bare python-socketio server on
gevent broadcasting to N clients in one room when an HTTP request arrives (no Flask, no
database, no sign-in). Also the real server's RSS with N tablets connected.

    python bench/bench_fanout.py                 # 150 and 500 tablets, plus the 50/150/300/500 series
    python bench/bench_fanout.py --sizes 50 --rounds 5

Loopback only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import aiohttp
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

SECRET = "bench-fanout-secret-" + "k" * 32
TIMEOUT = 30.0

BARE_SERVER = textwrap.dedent(
    """
    from gevent import monkey; monkey.patch_all()
    import json, sys
    import socketio
    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    sio = socketio.Server(async_mode="gevent", cors_allowed_origins="*")

    @sio.on("meeting.join")
    def join(sid, data):
        sio.enter_room(sid, "meeting:1")
        return {"ok": True}

    def trigger(environ, start_response):
        body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        sio.emit("agenda.reordered", {"meeting_id": 1, "order": body["order"]}, to="meeting:1")
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"order": body["order"]}).encode()]

    app = socketio.WSGIApp(sio, trigger)
    pywsgi.WSGIServer(("127.0.0.1", int(sys.argv[1])), app, handler_class=WebSocketHandler, log=None).serve_forever()
    """
)


def prepare(workdir: Path, tablets: int) -> dict:
    """Create the database: `tablets` members invited to one published meeting with 12 items."""
    os.environ.update(
        app_environment(
            f"sqlite:///{workdir / 'ecabinet.db'}",
            workdir,
            {"ECABINET_SECRET_KEY": SECRET, "ECABINET_ASYNC_MODE": "threading"},
        )
    )
    from datetime import timedelta

    from cabinet import create_app
    from cabinet.db import Base, db, utcnow
    from cabinet.users.models import Role, User, UserRole
    from meetings import services

    app = create_app()
    with app.app_context():
        Base.metadata.create_all(db.engine)
        users = []
        for n in range(tablets + 1):
            user = User(name=f"Thành viên {n}", email=f"m{n}@bench.test", password_hash="x")
            user.role_rows.append(UserRole(role=Role.SECRETARIAT if n == 0 else Role.MEMBER))
            db.session.add(user)
            users.append(user)
        db.session.flush()
        secretariat, members = users[0], users[1:]
        with app.test_request_context():
            meeting = services.create_meeting(
                {
                    "title": "Phiên họp đo tải",
                    "starts_at": utcnow() + timedelta(days=7),
                    "member_ids": [u.id for u in members],
                },
                actor=secretariat,
            )
            for i in range(12):
                services.add_item(meeting, {"title": f"Nội dung {i + 1}"}, actor=secretariat)
            services.publish_meeting(meeting, actor=secretariat)
        found = {
            "meeting_id": meeting.id,
            "items": [i.id for i in meeting.items],
            "secretariat": signed_in_cookie(app, secretariat),
            "members": [signed_in_cookie(app, u) for u in members],
        }
        db.session.commit()
        return found


async def connect_clients(url: str, cookies: list[str], meeting_id: int, inbox: list) -> list:
    """Connect one Socket.IO client per cookie, join the meeting, record each receipt time."""
    clients = []

    async def one(index: int, cookie: str) -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False)

        @client.on("agenda.reordered")
        async def _received(data, index=index):
            inbox.append((index, time.perf_counter(), tuple(data["order"])))

        await client.connect(
            url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=TIMEOUT
        )
        ack = await client.call("meeting.join", {"meeting_id": meeting_id}, timeout=TIMEOUT)
        if not ack or not ack.get("ok"):
            raise RuntimeError(f"join refused: {ack}")
        return client

    # Connect in batches: a real room fills over seconds, not in one instant.
    for start in range(0, len(cookies), 50):
        batch = cookies[start : start + 50]
        clients += await asyncio.gather(*(one(start + i, c) for i, c in enumerate(batch)))
    return clients


async def measure(url: str, clients_n: int, trigger, inbox: list, rounds: int, items: list[int]):
    """Per round: time from sending the change to the last of `clients_n` tablets receiving it."""
    last, every = [], []
    order = list(items)
    for _ in range(rounds):
        order = order[1:] + order[:1]
        inbox.clear()
        t0 = time.perf_counter()
        await trigger(order)
        deadline = time.monotonic() + TIMEOUT
        while sum(1 for _, _, o in inbox if o == tuple(order)) < clients_n:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {len(inbox)}/{clients_n} tablets received the change")
            await asyncio.sleep(0.001)
        times = [(t - t0) * 1000 for _, t, o in inbox if o == tuple(order)]
        last.append(max(times))
        every += times
        await asyncio.sleep(0.05)
    return last, every


async def run_app(server_url: str, data: dict, n: int, rounds: int, server) -> dict:
    """The real app: signed-in tablets, reorder through PUT /api/v1/meetings/<id>/order."""
    inbox: list = []
    clients = await connect_clients(server_url, data["members"][:n], data["meeting_id"], inbox)
    await asyncio.sleep(0.5)
    rss = server.rss()
    async with aiohttp.ClientSession(headers={"Cookie": data["secretariat"]}) as http:
        page = await http.get(f"{server_url}/meetings/{data['meeting_id']}/manage")
        html = await page.text()
        csrf = html.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        jar_cookie = (
            "; ".join(f"{k}={v.value}" for k, v in page.cookies.items()) or data["secretariat"]
        )

        async def trigger(order):
            async with http.put(
                f"{server_url}/api/v1/meetings/{data['meeting_id']}/order",
                json={"order": order},
                headers={"X-CSRFToken": csrf, "Cookie": jar_cookie},
            ) as response:
                if response.status != 200:
                    raise RuntimeError(
                        f"reorder refused: {response.status} {await response.text()}"
                    )

        last, every = await measure(server_url, n, trigger, inbox, rounds, data["items"])
    await asyncio.gather(*(c.disconnect() for c in clients))
    return {"last": last, "every": every, "rss": rss}


async def run_bare(url: str, n: int, rounds: int, items: list[int]) -> dict:
    """The bare python-socketio broadcast to the same number of clients."""
    inbox: list = []
    clients = await connect_clients(url, ["x=1"] * n, 1, inbox)
    await asyncio.sleep(0.5)
    async with aiohttp.ClientSession() as http:

        async def trigger(order):
            async with http.post(f"{url}/trigger", json={"order": order}) as response:
                await response.read()

        last, every = await measure(url, n, trigger, inbox, rounds, items)
    await asyncio.gather(*(c.disconnect() for c in clients))
    return {"last": last, "every": every}


def main() -> None:
    """Run the series, print the table, save bench/out/fanout.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 150, 300, 500])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    sizes = sorted(set(args.sizes))
    results: list[Scenario] = []
    series = []
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as tmp:
        workdir = Path(tmp)
        data = prepare(workdir, max(sizes))
        env = {"ECABINET_SECRET_KEY": SECRET, "ECABINET_LOGIN_SLOWDOWN_SECONDS": "0"}
        bare_port = free_port()
        bare_script = workdir / "bare_server.py"
        bare_script.write_text(BARE_SERVER)
        with (
            app_server(
                f"sqlite:///{workdir / 'ecabinet.db'}", instance_path=workdir, env=env
            ) as server,
            run_process([sys.executable, str(bare_script), str(bare_port)], bare_port) as bare,
        ):
            for n in sizes:
                app = asyncio.run(run_app(server.url, data, n, args.rounds, server))
                base = asyncio.run(run_bare(bare.url, n, args.rounds, data["items"]))
                point = {
                    "tablets": n,
                    "app_last_p50_ms": percentile(app["last"], 50),
                    "app_last_p99_ms": percentile(app["last"], 99),
                    "bare_last_p50_ms": percentile(base["last"], 50),
                    "bare_last_p99_ms": percentile(base["last"], 99),
                    "app_each_p50_ms": percentile(app["every"], 50),
                    "bare_each_p50_ms": percentile(base["every"], 50),
                    "app_rss_mb": app["rss"] / 2**20,
                    "rounds": args.rounds,
                }
                series.append(point)
                print(f"{n} tablets: {point}", flush=True)
                if n in (150, 500) or n == max(sizes):
                    for p in (50, 99):
                        results.append(
                            Scenario(
                                f"agenda change → last tablet, p{p}, {n} tablets",
                                point[f"app_last_p{p}_ms"],
                                point[f"bare_last_p{p}_ms"],
                                "ms",
                                target=1.25 if p == 99 else None,
                                baseline_name="bare python-socketio broadcast (gevent)",
                                note="reorder over HTTP: auth, DB write, audit, commit, emit",
                            )
                        )
                    results.append(
                        Scenario(
                            f"server RSS with {n} tablets",
                            point["app_rss_mb"],
                            None,
                            "MB",
                            limit=300 if n >= 500 else None,
                        )
                    )
    print_table(results)
    path = save_results("fanout", results, extra={"series": series})
    print(f"saved {path}")


if __name__ == "__main__":
    main()
