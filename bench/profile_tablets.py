"""Where the time of one join and one cast goes, under load: py-spy, gevent's blocked-hub monitor,
gc.callbacks and per-event counters, on the app run by `bench/tablets/instrumented.py`.

    .venv/bin/python bench/profile_tablets.py                    # 100 tablets, SQLite
    .venv/bin/python bench/profile_tablets.py --tablets 300 --database-url postgresql://...

Writes bench/out/profile/: py-spy's collapsed stacks per phase (``*.txt``, open them with any
flame graph viewer), the instrumentation dumps (``dump-*.json``) and ``summary.md`` (the
tables docs/profile-before.md quotes). Not part of `make bench` (py-spy needs ptrace and
slows the server it samples); needs `pip install -e '.[bench]'` for py-spy.

Phases, on one server: one tablet joining alone (counters for exactly one join); N tablets
joining at once (py-spy); N casts at once (py-spy); one cast alone (counters); agenda changes
to N tablets (py-spy, blocked-hub reports: the fan-out stall); waves of N connect/disconnect
(live objects by type after the first and the last wave: what a connection leaves behind).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT_DIR  # noqa: E402
from bench.tablets import harness, profile_summary  # noqa: E402

PROFILE_DIR = OUT_DIR / "profile"
PHASES = ("join", "cast", "fanout", "waves")


class PySpy:
    """py-spy sampling the server between start() and stop(); collapsed stacks to <name>.txt."""

    def __init__(self, pid: int, name: str, rate: int) -> None:
        self.pid, self.name, self.rate = pid, name, rate
        self.process: subprocess.Popen | None = None

    def start(self) -> PySpy:
        """Attach to the server."""
        binary = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        if not Path(binary).exists():
            raise SystemExit("py-spy is missing: .venv/bin/pip install -e '.[bench]'")
        output = PROFILE_DIR / f"{self.name}.txt"
        self.process = subprocess.Popen(
            [binary, "record", "--pid", str(self.pid), "--rate", str(self.rate)]
            + ["--format", "raw", "--nonblocking", "--output", str(output)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)  # py-spy attaches
        return self

    def stop(self) -> None:
        """Detach; py-spy writes its file on SIGINT."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@contextlib.contextmanager
def py_spy(pid: int, name: str, rate: int):
    """Sample the server with py-spy while the block runs."""
    spy = PySpy(pid, name, rate).start()
    try:
        yield spy
    finally:
        spy.stop()


def dump(server, label: str, phases: list, *, referrers: bool = False) -> None:
    """Ask the instrumented server for its counters since the previous dump."""
    before = set(PROFILE_DIR.glob("dump-*.json"))
    os.kill(server.process.pid, signal.SIGUSR2 if referrers else signal.SIGUSR1)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        new = set(PROFILE_DIR.glob("dump-*.json")) - before
        if new:
            time.sleep(0.3)
            path = new.pop()
            target = path.with_name(f"dump-{len(phases):02d}-{label}.json")
            path.rename(target)
            phases.append({"label": label, "dump": target.name})
            return
        time.sleep(0.1)
    raise TimeoutError(f"no dump from the server for {label}")


def main() -> None:
    """Seed, start the instrumented app, run the phases, write the summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tablets", type=int, default=100, help="tablets connected")
    parser.add_argument("--voters", type=int, default=500, help="members (vote sizes)")
    parser.add_argument("--history", type=int, default=20)
    parser.add_argument("--database-url")
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--waves", type=int, default=5)
    parser.add_argument("--queue", choices=("redis", "none"), default="redis")
    parser.add_argument("--blocking-ms", type=float, default=50)
    parser.add_argument(
        "--only", nargs="+", choices=PHASES, default=list(PHASES), help="phases to run"
    )
    args = parser.parse_args()
    if PROFILE_DIR.exists():
        shutil.rmtree(PROFILE_DIR)
    PROFILE_DIR.mkdir(parents=True)
    n = args.tablets
    phases: list = []
    load = os.getloadavg()
    try:
        run_phases(args, phases)
    finally:  # whatever was measured is summarised, also when a later phase failed
        context = {
            "tablets": n,
            "voters": max(n, args.voters),
            "history": args.history,
            "database": "PostgreSQL" if args.database_url else "SQLite",
            "queue": args.queue,
            "rate": args.rate,
            "loadavg_start": [round(x, 2) for x in load],
            "loadavg_end": [round(x, 2) for x in os.getloadavg()],
            "phases": phases,
        }
        (PROFILE_DIR / "phases.json").write_text(json.dumps(context, indent=1))
        path = profile_summary.write(PROFILE_DIR, context)
        print(f"summary: {path}")


def run_phases(args, phases: list) -> None:
    """Seed, start the instrumented app, run every phase (appending to ``phases``)."""
    n = args.tablets
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        workdir = Path(tmp)
        db_url = args.database_url or f"sqlite:///{workdir / 'ecabinet.db'}"
        made = harness.seed(db_url, workdir, max(n, args.voters), args.history, [0])
        main_meeting, burst = made["meetings"]["main"], made["meetings"]["burst"]
        queue = harness.redis_server() if args.queue == "redis" else contextlib.nullcontext()
        extra = {"BENCH_BLOCKING_MS": str(args.blocking_ms)}
        with (
            queue as redis_url,
            harness.app(db_url, workdir, redis_url, instrument=PROFILE_DIR, extra_env=extra) as app,
        ):
            from bench.bench_tablets import sign_in

            cookies = sign_in(app.url, made)
            members = cookies["members"][:n]
            dump(app, "start", phases)

            def node(config, **kw):
                return harness.run_node({"url": app.url, **config}, **kw)

            if "join" in args.only:
                node(
                    {
                        "scenario": "single_join",
                        "cookie": members[0],
                        "meetings": [{"name": "main", "id": main_meeting["id"]}],
                        "repeats": 10,
                    }
                )
                dump(app, "join-alone-x10", phases)
                with py_spy(app.process.pid, "join-under-load", args.rate):
                    joins = [
                        node(
                            {
                                "scenario": "join",
                                "cookies": members,
                                "meeting_id": main_meeting["id"],
                            }
                        )
                        for _ in range(3)
                    ]
                dump(app, "join-under-load", phases)
                phases[-1]["result"] = [j["last_ms"] for j in joins]
            if "cast" in args.only:
                burst_config = {
                    "scenario": "burst",
                    "chair": cookies["chair"],
                    "meeting_id": burst["id"],
                    "item_id": burst["items"][0],
                }
                with py_spy(app.process.pid, "cast-under-load", args.rate):
                    found = node({**burst_config, "cookies": members, "rounds": 2})
                dump(app, "cast-under-load", phases)
                phases[-1]["result"] = [r["last_ack_ms"] for r in found["rounds"]]
                node({**burst_config, "cookies": members[:1], "rounds": 5})
                dump(app, "cast-alone-x5", phases)
            if "fanout" in args.only:
                # The rounds only: the tablets join first (a checkpoint), then py-spy starts.
                spy = PySpy(app.process.pid, "fanout", args.rate)

                def joined(_message: dict) -> None:
                    dump(app, "fanout-joins", phases)
                    spy.start()

                try:
                    found = node(
                        {
                            "scenario": "fanout",
                            "cookies": members,
                            "meeting_id": main_meeting["id"],
                            "sizes": [n],
                            "rounds": 40,
                            "trigger": "app",
                            "secretariat": cookies["secretariat"],
                            "items": main_meeting["items"],
                            "checkpoint": True,
                        },
                        on_checkpoint=joined,
                    )
                finally:
                    spy.stop()
                dump(app, "fanout", phases)
                phases[-1]["result"] = found["points"][0]["last"]
            if "waves" in args.only:
                rss = [app.rss()]

                def after_wave(message: dict) -> None:
                    time.sleep(1.0)
                    rss.append(app.rss())
                    if message["wave"] in (1, args.waves):
                        dump(app, f"after-wave-{message['wave']}", phases, referrers=True)

                node(
                    {
                        "scenario": "waves",
                        "cookies": members,
                        "meeting_id": main_meeting["id"],
                        "waves": args.waves,
                    },
                    on_checkpoint=after_wave,
                    timeout=3600,
                )
                phases.append({"label": "rss", "rss_mb": [round(x / 2**20, 1) for x in rss]})


if __name__ == "__main__":
    main()
