"""CPU of one `meeting.join`, in one process: the app's handlers without the network.

    python bench/tablets/seed.py --database-url sqlite:////tmp/j/ecabinet.db --instance /tmp/j \\
        --tablets 200 --history 5 --history-series 0 > /tmp/j/seed.json
    python bench/tablets/join_cpu.py --database-url sqlite:////tmp/j/ecabinet.db \\
        --seed /tmp/j/seed.json --members 100 --rounds 4

Signs `--members` of the seed's members in (a session each, as signing in makes), connects a
Socket.IO test client for each (threading mode), then joins meeting ``main`` with every client
in turn, `--rounds` times, and prints the process CPU and the wall time per join of each round
(the first round builds the shared dumps). Run it on two checkouts alternately to compare: the
CPU time is what stays comparable on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", required=True, type=Path)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    os.environ.update(
        {
            "ECABINET_DATABASE_URL": args.database_url,
            "ECABINET_INSTANCE_PATH": str(args.seed.parent),
            "ECABINET_ASYNC_MODE": "threading",
            "ECABINET_SECRET_KEY": "bench-join-cpu-" + "x" * 32,
        }
    )
    from sqlalchemy import select

    from bench.common import signed_in_cookie
    from cabinet import create_app
    from cabinet.db import db
    from cabinet.extensions import socketio
    from cabinet.users.models import User

    seed = json.loads(args.seed.read_text())
    meeting = seed["meetings"]["main"]["id"]
    app = create_app()
    clients = []
    with app.app_context():
        for email in seed["members"][: args.members]:
            user = db.session.scalar(select(User).where(User.email == email))
            name, _, value = signed_in_cookie(app, user).partition("=")
            db.session.commit()
            http = app.test_client()
            http.set_cookie(name, value)
            clients.append(socketio.test_client(app, flask_test_client=http))
    for n in range(args.rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        for client in clients:
            ack = client.emit("meeting.join", {"meeting_id": meeting}, callback=True)
            if not ack["ok"]:
                raise SystemExit(f"join refused: {ack}")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"round {n}: CPU per join {1000 * cpu / len(clients):.2f} ms, "
            f"wall {1000 * wall / len(clients):.2f} ms ({len(clients)} joins)"
        )


if __name__ == "__main__":
    main()
