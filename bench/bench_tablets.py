"""What 500 tablets feel: the official socket.io JS client (Node) as N signed-in tablets, against
the app and against a bare python-socketio gevent server, alternating, in the same run (issue 15).

Per database (SQLite, and PostgreSQL when ECABINET_BENCH_DATABASE_URL or BENCH_PG_URL is set):
seed a meeting of N voters with a full agenda with papers and ``--history`` closed votes
(bench/tablets/seed.py), sign every tablet in over HTTP, then ``--alternations`` times, bare
and app in turn (the order swaps each time):

* join: all N tablets connect and `meeting.join` at once → the last join ack;
* fan-out: the room grows to each of ``--sizes``; per round the secretariat changes the agenda
  (HTTP PUT, CSRF) → the last tablet with the new order, p50 and p99 per size;
* burst: the chair opens a vote, all N tablets cast at the same instant → each ack and the last
  (durable: acked after its commit); every cast is resent with its client id; the database is
  checked (0 lost, 0 doubled); the chair closes → the result on the last tablet;
* secret (app only, ``--secret``): the same burst in a secret vote, every tablet casting a
  ballot sealed to the vote's key (libsodium, as the tablets do), beside the open burst and
  the bare server of the same alternation;

then one tablet joins alone, again and again, meetings with 0, ``--history`` and 100 closed
votes; and N tablets connect, join and leave 10 times (``--waves``) while the server's resident
memory is read after each wave. Every figure is the median over the alternations.

    python bench/bench_tablets.py                          # 500 tablets, SQLite (+ PostgreSQL)
    python bench/bench_tablets.py --tablets 50 --sizes 10 25 50 --alternations 3 --waves 3
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cluster.topology import Cluster, app_cluster, bare_cluster  # noqa: E402
from bench.common import cpu_seconds, print_table, save_results  # noqa: E402
from bench.tablets import harness, results  # noqa: E402


def sign_in(url: str, made: dict) -> dict:
    """Every account signs in over HTTP (CSRF form, session cookie)."""
    emails = [made["chair"], made["secretariat"], *made["members"]]
    found = harness.run_node(
        {
            "scenario": "signin",
            "url": url,
            "emails": emails,
            "password": made["password"],
            "concurrency": 4,
        },
        timeout=1800,
    )
    cookies = found["cookies"]
    print(f"  signed in {len(cookies)} accounts over HTTP in {found['seconds']:.1f} s", flush=True)
    return {"chair": cookies[0], "secretariat": cookies[1], "members": cookies[2:]}


def capture_shapes(url: str, cookies: dict, made: dict, path: Path) -> dict:
    """What the app sends a joining tablet (state, last result): the bare server sends the same."""
    main = made["meetings"]["main"]
    found = harness.run_node(
        {
            "scenario": "single_join",
            "url": url,
            "cookie": cookies["members"][0],
            "meetings": [{"name": "main", "id": main["id"]}],
            "repeats": 1,
            "keep_ack": True,
        }
    )
    state = found["main"]["ack"]["state"]
    poll = (state.get("live") or {}).get("last_result") or {"id": 0, "result": None}
    path.write_text(json.dumps({"state": state, "poll": poll}, ensure_ascii=False))
    return {"ack_bytes": found["main"]["ack_bytes"], "poll_bytes": len(json.dumps(poll))}


def one_alternation(n: int, args, targets: dict, cookies: dict, made: dict, db_url: str) -> dict:
    """join, fan-out and burst, bare and app in turn; the raw results of this alternation."""
    main, burst = made["meetings"]["main"], made["meetings"]["burst"]
    found: dict = {}
    scenarios = (
        ("join", "fanout", "burst", "secret") if args.secret else ("join", "fanout", "burst")
    )
    for scenario in scenarios:
        for name in targets["order"]:
            if scenario == "secret" and name != "app":
                continue  # the bare server acks from memory whatever the ballot holds
            server = targets[name]
            is_app = name == "app"
            rss: list[int] = []
            config: dict = {"scenario": scenario, "url": server.url}
            members = targets["cookies"][name]["members"][:n]
            if scenario == "join":
                config |= {
                    "cookies": members,
                    "meeting_id": main["id"] if is_app else 1,
                    "checkpoint": True,
                }
            elif scenario == "fanout":
                config |= {
                    "cookies": members,
                    "meeting_id": main["id"] if is_app else 1,
                    "sizes": args.sizes,
                    "rounds": args.rounds,
                    "trigger": name,
                    "secretariat": cookies["secretariat"],
                    "items": main["items"],
                }
            else:
                config |= {
                    "scenario": "burst",
                    "kind": "secret" if scenario == "secret" else "open",
                    "cookies": members,
                    "chair": targets["cookies"][name]["chair"],
                    "meeting_id": burst["id"] if is_app else 1,
                    "item_id": burst["items"][0],
                    "rounds": args.burst_rounds,
                    "checkpoint": True,
                }
            t0 = time.monotonic()
            cpu: list[float] = [server.cpu()]  # the server's CPU seconds at each checkpoint

            def mark(_message: dict, s=server, r=rss, c=cpu) -> None:
                c.append(s.cpu())
                r.append(s.rss())

            result = harness.run_node(config, on_checkpoint=mark)
            if scenario == "join":
                result["rss_joined"] = rss[0] if rss else None
                joined = cpu[1] - cpu[0] if len(cpu) > 1 else None
                result["cpu_ms_per_tablet"] = joined * 1000 / n if joined is not None else None
            if scenario in ("burst", "secret"):  # checkpoints before and after each round's casts
                pairs = zip(cpu[1::2], cpu[2::2], strict=True)
                for r, (before, after) in zip(result["rounds"], pairs, strict=True):
                    r["cpu_ms_per_cast"] = (after - before) * 1000 / max(r["tablets"], 1)
            if scenario in ("burst", "secret") and is_app:
                stored = harness.count_casts(
                    db_url, [r["poll_id"] for r in result["rounds"]], secret=scenario == "secret"
                )
                for r in result["rounds"]:
                    r["stored"], r["voters"] = stored[r["poll_id"]]
            result["rss_after"] = server.rss()
            found[f"{scenario}_{name}"] = result
            print(f"  {scenario:6s} {name:4s} {time.monotonic() - t0:6.1f} s", flush=True)
    return found


def history_series(args, targets: dict, cookies: dict, made: dict) -> dict:
    """One tablet joins alone, meetings with 0, ``--history`` and 100 past votes in turn."""
    meetings = [
        {"name": name, "id": m["id"], "history": m["history"]}
        for name, m in made["meetings"].items()
        if name != "burst"
    ]
    meetings.sort(key=lambda m: m["history"])
    app = harness.run_node(
        {
            "scenario": "single_join",
            "url": targets["app"].url,
            "cookie": cookies["members"][1],
            "meetings": meetings,
            "repeats": args.single_joins,
        }
    )
    bare = harness.run_node(
        {
            "scenario": "single_join",
            "url": targets["bare"].url,
            "cookie": targets["cookies"]["bare"]["members"][1],
            "meetings": [{"name": "bare", "id": 1}],
            "repeats": args.single_joins,
        }
    )
    return {"meetings": meetings, "app": app, "bare": bare["bare"]}


def waves(n: int, args, server, cookie_list: list[str], meeting_id: int) -> dict:
    """N tablets connect, join and leave ``--waves`` times; the server's RSS after each wave."""
    rss: list[int] = []

    def sample(_message: dict) -> None:
        time.sleep(1.0)  # let the disconnects finish before reading the memory
        rss.append(server.rss())

    found = harness.run_node(
        {
            "scenario": "waves",
            "url": server.url,
            "cookies": cookie_list[:n],
            "meeting_id": meeting_id,
            "waves": args.waves,
        },
        on_checkpoint=sample,
        timeout=3600,
    )
    return {"rss": rss, "waves": [w["last_ms"] for w in found["waves"]]}


@dataclass
class Workers:
    """The app as deployed on several cores: ``deploy/local.py``'s nginx in front of N workers
    on one Redis queue (bench/cluster/topology.py), measured as one server: its URL is nginx's,
    its CPU time and resident memory are the workers' sums."""

    cluster: Cluster

    @property
    def url(self) -> str:
        """nginx's URL."""
        return self.cluster.url

    def cpu(self) -> float:
        """The workers' CPU seconds so far, together."""
        return sum(cpu_seconds(pid) for pid in self.cluster.pids)

    def rss(self) -> int:
        """The workers' resident memory, together."""
        return sum(self.cluster.rss())


@contextlib.contextmanager
def the_bare(redis_url: str | None, shapes: Path, instance: Path, args) -> Iterator[Any]:
    """The bare server: one process reached directly, or (``--bare cluster``) as many bare
    servers as the app has workers, behind the same nginx configuration on the same queue."""
    if args.bare == "direct":
        with harness.bare_server(redis_url, shapes) as bare:
            yield bare
        return
    if redis_url is None:
        raise SystemExit("--bare cluster needs the Redis queue (--queue redis)")
    sizes = {"workers": args.workers, "nginx_connections": max(4096, 2 * args.tablets + 1024)}
    with bare_cluster(redis_url, shapes, workdir=instance, **sizes) as cluster:
        yield Workers(cluster)


@contextlib.contextmanager
def the_app(db_url: str, instance: Path, redis_url: str | None, args) -> Iterator[Any]:
    """The app alone (``--workers 1``: one `python app.py`, no proxy), or behind nginx."""
    if args.workers == 1:
        with harness.app(db_url, instance, redis_url) as app:
            yield app
        return
    if redis_url is None:
        raise SystemExit("--workers above 1 needs the Redis queue (--queue redis)")
    sizes = {"workers": args.workers, "nginx_connections": max(4096, 2 * args.tablets + 1024)}
    with app_cluster(db_url, instance, redis_url, workdir=instance, **sizes) as cluster:
        print(f"  app: nginx {cluster.url} in front of workers {cluster.ports}", flush=True)
        yield Workers(cluster)


def routed(cookies: dict, workers: int) -> dict:
    """Behind nginx each tablet carries a route cookie of its own, as a browser keeps the one
    nginx hands it (docs/nginx.conf.example): the tablets spread over the workers."""
    if workers == 1:
        return cookies
    route = "; ecabinet_route=tablet-"
    return {
        "chair": cookies["chair"] + route + "chair",
        "secretariat": cookies["secretariat"] + route + "secretariat",
        "members": [c + route + str(i) for i, c in enumerate(cookies["members"])],
    }


def run_backend(label: str, db_url: str, workdir: Path, args, redis_url: str | None) -> dict:
    """Everything on one database: seed, sign in, alternations, history series, waves."""
    instance = workdir / label.lower()
    instance.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    made = harness.seed(db_url, instance, args.tablets, args.history, [0, *args.history_series])
    print(f"[{label}] seeded in {time.monotonic() - t0:.0f} s", flush=True)
    shapes = instance / "shapes.json"
    detail: dict = {"alternations": []}
    with the_app(db_url, instance, redis_url, args) as app:
        cookies = routed(sign_in(app.url, made), args.workers)
        detail["shapes"] = capture_shapes(app.url, cookies, made, shapes)
        anonymous = {"chair": "x=1", "secretariat": "x=1", "members": ["x=1"] * args.tablets}
        bare_cookies = routed(anonymous, args.workers if args.bare == "cluster" else 1)
        with the_bare(redis_url, shapes, instance, args) as bare:
            targets = {"app": app, "bare": bare, "cookies": {"app": cookies, "bare": bare_cookies}}
            for a in range(args.alternations):
                targets["order"] = ("bare", "app") if a % 2 == 0 else ("app", "bare")
                print(f"[{label}] alternation {a + 1}/{args.alternations}", flush=True)
                detail["alternations"].append(
                    one_alternation(args.tablets, args, targets, cookies, made, db_url)
                )
            print(f"[{label}] single joins against past votes", flush=True)
            detail["history"] = history_series(args, targets, cookies, made)
            if args.waves:
                print(f"[{label}] {args.waves} waves of {args.tablets}", flush=True)
                main_id = made["meetings"]["main"]["id"]
                detail["waves_bare"] = waves(args.tablets, args, bare, bare_cookies["members"], 1)
                detail["waves_app"] = waves(args.tablets, args, app, cookies["members"], main_id)
    return detail


def main() -> None:
    """Run on SQLite (and PostgreSQL when configured), print the table, save bench/out/tablets.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tablets", type=int, default=500)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 150, 300, 500])
    parser.add_argument("--rounds", type=int, default=20, help="agenda changes per size")
    parser.add_argument("--burst-rounds", type=int, default=1, help="votes per alternation")
    parser.add_argument("--alternations", type=int, default=3)
    parser.add_argument("--history", type=int, default=20)
    parser.add_argument("--history-series", type=int, nargs="*", default=[100])
    parser.add_argument("--single-joins", type=int, default=15)
    parser.add_argument("--waves", type=int, default=10)
    parser.add_argument("--queue", choices=("redis", "none"), default="redis")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="app workers: 1, the app alone; more, deploy/local.py's nginx in front of them",
    )
    parser.add_argument(
        "--bare",
        choices=("direct", "cluster"),
        default="direct",
        help="the baseline: one bare server reached directly, or as many as --workers behind "
        "the same nginx",
    )
    parser.add_argument("--name", default="tablets", help="bench/out/<name>.json")
    parser.add_argument(
        "--secret",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also a burst of sealed (secret) ballots on the app",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a short profile for a loaded machine: 100 tablets, sizes 50/100, 3 alternations, "
        "3 waves, SQLite and PostgreSQL",
    )
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    if args.quick:
        args.tablets, args.sizes, args.rounds, args.waves, args.single_joins = (
            100,
            [50, 100],
            8,
            3,
            5,
        )
    args.sizes = sorted({s for s in args.sizes if s <= args.tablets})
    pg_url = os.environ.get("ECABINET_BENCH_DATABASE_URL") or os.environ.get("BENCH_PG_URL")
    load = os.getloadavg()
    details: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-tablets-") as tmp:
        workdir = Path(tmp)
        backends = []
        if "sqlite" in args.backends:
            backends.append(("SQLite", f"sqlite:///{workdir / 'ecabinet.db'}"))
        if "postgres" in args.backends and pg_url:
            backends.append(("PostgreSQL", pg_url))
        queue = harness.redis_server() if args.queue == "redis" else contextlib.nullcontext()
        with queue as redis_url:
            for label, url in backends:
                details[label] = run_backend(label, url, workdir, args, redis_url)
    rows = results.scenarios(details, args)
    print_table(rows)
    extra = {
        "config": {k: v for k, v in vars(args).items()},
        "loadavg_start": [round(x, 2) for x in load],
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "series": results.fanout_series(details.get("SQLite", {}), args),
        "series_postgres": results.fanout_series(details.get("PostgreSQL", {}), args),
        "details": details,
        "summary": results.digest(details, args),
    }
    path = save_results(args.name, rows, extra=extra)
    print(f"saved {path}")


if __name__ == "__main__":
    main()
