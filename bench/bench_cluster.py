"""Scale-out: many tablets in several meetings over several workers behind nginx, beside a bare
python-socketio cluster on the same nginx configuration and the same Redis queue (issue 14).

On PostgreSQL (ECABINET_BENCH_DATABASE_URL or BENCH_PG_URL; the tables are dropped and made
anew) and a private redis-server:

1. seed ``--meetings`` meetings in session and ``--tablets`` member accounts spread over them
   (a meeting's members are its tablets; bench/cluster/seed.py);
2. start deploy/local.py: nginx (docs/nginx.conf.example adapted) in front of ``--workers``
   gevent workers on that database and Redis; every account signs in over HTTP through nginx;
3. start the bare cluster: as many bench/tablets/bare_server.py servers on the same Redis
   behind the same nginx configuration (bench/cluster/topology.py);
4. ``--alternations`` times, bare and app in turn (the order swaps each time), with the
   official socket.io JS client (bench/cluster/tablets.mjs): each meeting's tablets connect and
   join through nginx (an ``ecabinet_route`` cookie of their own pins each, as the example
   config does), every worker's memory and connections are read, then ``--rounds`` agenda
   changes, one meeting at a time in turn → the last tablet OF THAT MEETING with the new
   order; then ``--all-rounds`` times every meeting's agenda at the same instant → the last
   tablet of all.

Every figure is the median over the alternations; the fan-out p99 target is ≤ 1.25× bare.

    python bench/bench_cluster.py                       # 2,000 tablets, 8 meetings, 4 workers
    python bench/bench_cluster.py --tablets 200 --meetings 2 --workers 2 --alternations 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_tablets import capture_shapes, sign_in  # noqa: E402
from bench.cluster import results  # noqa: E402
from bench.cluster.topology import Cluster, app_cluster, bare_cluster, settle  # noqa: E402
from bench.common import ROOT, print_table, save_results  # noqa: E402
from bench.tablets import harness  # noqa: E402

TABLETS_MJS = ROOT / "bench" / "cluster" / "tablets.mjs"


def seed(database_url: str, instance: Path, tablets: int, meetings: int) -> dict:
    """bench/cluster/seed.py in a subprocess; what it made."""
    command = [sys.executable, str(ROOT / "bench" / "cluster" / "seed.py")]
    command += ["--database-url", database_url, "--instance", str(instance)]
    command += ["--tablets", str(tablets), "--meetings", str(meetings)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"seed failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def tablets_config(name: str, cluster: Cluster, made: dict, cookies: dict, args) -> dict:
    """The load generator's configuration for one side; the same route cookies on both."""
    meetings = []
    for meeting in made["meetings"]:
        start, end = meeting["members"]
        session = cookies["members"][start:end] if name == "app" else ["x=1"] * (end - start)
        meetings.append(
            {
                "id": meeting["id"],
                "items": meeting["items"],
                "cookies": [
                    f"{c}; ecabinet_route=tablet-{start + i}" for i, c in enumerate(session)
                ],
            }
        )
    return {
        "url": cluster.url,
        "trigger": name,
        "meetings": meetings,
        "secretariat": cookies["secretariat"],
        "rounds": args.rounds,
        "all_rounds": args.all_rounds,
    }


def measure(name: str, cluster: Cluster, made: dict, cookies: dict, args) -> dict:
    """One side once: join everything, sample the workers, the agenda rounds."""
    sampled: dict = {"rss_idle": cluster.rss()}

    def joined(_message: dict) -> None:
        time.sleep(1.0)  # the last joins' work settles before the memory is read
        sampled["rss_joined"] = cluster.rss()
        sampled["connections"] = cluster.connections()

    t0 = time.monotonic()
    config = tablets_config(name, cluster, made, cookies, args)
    found = harness.run_node(config, on_checkpoint=joined, timeout=1800, script=TABLETS_MJS)
    settle(cluster)  # the next side starts once these tablets are gone
    print(
        f"  {name:4s} {time.monotonic() - t0:6.1f} s; connections per worker "
        f"{sampled.get('connections')}, RSS "
        f"{[round(r / 2**20) for r in sampled.get('rss_joined', [])]} MB",
        flush=True,
    )
    return {**sampled, "result": found}


def run(database_url: str, workdir: Path, args) -> list[dict]:
    """Seed, start both clusters, alternate; the raw results of every alternation."""
    instance = workdir / "instance"
    t0 = time.monotonic()
    made = seed(database_url, instance, args.tablets, args.meetings)
    print(f"seeded {args.meetings} meetings, {args.tablets} tablets in "
          f"{time.monotonic() - t0:.0f} s", flush=True)  # fmt: skip
    # Each proxied WebSocket holds two nginx connections (the tablet's and the worker's).
    connections = max(4096, 2 * args.tablets + 1024)
    shapes = workdir / "shapes.json"
    alternations: list[dict] = []
    with harness.redis_server() as redis_url:
        sizes = {"workers": args.workers, "nginx_connections": connections, "workdir": workdir}
        with app_cluster(database_url, instance, redis_url, **sizes) as app:
            print(f"app cluster: {app.url}, workers {app.ports}", flush=True)
            cookies = sign_in(app.url, made)
            capture_shapes(app.url, cookies, {"meetings": {"main": made["meetings"][0]}}, shapes)
            with bare_cluster(redis_url, shapes, **sizes) as bare:
                print(f"bare cluster: {bare.url}, servers {bare.ports}", flush=True)
                sides = {"app": app, "bare": bare}
                for a in range(args.alternations):
                    order = ("bare", "app") if a % 2 == 0 else ("app", "bare")
                    print(f"alternation {a + 1}/{args.alternations}: {' then '.join(order)}")
                    alternations.append(
                        {n: measure(n, sides[n], made, cookies, args) for n in order}
                    )
    return alternations


def main() -> int:
    """Run, print the table, save bench/out/<name>.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tablets", type=int, default=2000)
    parser.add_argument("--meetings", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=24, help="changes, one meeting at a time")
    parser.add_argument(
        "--all-rounds", type=int, default=6, help="changes of every meeting at once"
    )
    parser.add_argument("--alternations", type=int, default=3)
    parser.add_argument("--name", default="cluster", help="bench/out/<name>.json")
    args = parser.parse_args()
    if args.meetings < 1 or args.tablets < args.meetings or args.workers < 1:
        parser.error("needs at least one worker and one tablet per meeting")
    database_url = os.environ.get("ECABINET_BENCH_DATABASE_URL") or os.environ.get("BENCH_PG_URL")
    if not database_url:
        print("bench_cluster.py needs PostgreSQL: set ECABINET_BENCH_DATABASE_URL", file=sys.stderr)
        return 2
    load = os.getloadavg()
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        alternations = run(database_url, Path(tmp), args)
    rows = results.scenarios(alternations, args)
    print_table(rows)
    extra = {
        "config": vars(args),
        "seconds": round(time.monotonic() - t0),
        "loadavg_start": [round(x, 2) for x in load],
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "summary": results.digest(alternations),
        "alternations": alternations,
    }
    print(f"saved {save_results(args.name, rows, extra=extra)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
