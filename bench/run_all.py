"""Run every ``bench/bench_*.py`` (each in its own subprocess, with a time budget, on loopback),
collect their ``bench/out/*.json``, draw the fan-out plot and write ``docs/benchmarks.md``.

    .venv/bin/python bench/run_all.py                  # everything (what `make bench` runs)
    .venv/bin/python bench/run_all.py --only votes     # re-run one script, keep the others' results
    .venv/bin/python bench/run_all.py --report-only    # rewrite the report from bench/out/

PostgreSQL scenarios use ``ECABINET_BENCH_DATABASE_URL`` (default
postgresql://postgres@127.0.0.1:5432/test). Nothing is started here: when that server does not
answer, its scenarios are reported as "not run: PostgreSQL unreachable". The benchmarks drop and
recreate the tables of that database, so point it at a database nobody else is using.

A script that fails or overruns its budget is reported as failed with the last lines of its
output, and this command exits non-zero after writing the report.
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
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT_DIR, ROOT, machine_info  # noqa: E402

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
RUN_FILE = OUT_DIR / "run.json"
LOG_DIR = OUT_DIR / "logs"
RESULTS_DIR = OUT_DIR / "run"  # this run's copies of the scripts' results

# Cheap, CPU-bound scripts first, the 500-socket ones last, so a run interrupted on a busy
# machine still has the quick numbers. Unknown scripts run after these, alphabetically.
ORDER = [
    *("records", "signing", "minutes", "boardpack", "downloads", "fanout", "votes", "tablets"),
    *("tablets_workers", "cluster"),
]
# Seconds per script: 5-20× what each took on a shared, loaded 2-core machine;
# --budget-scale multiplies them.
BUDGETS = {
    "records": 300,
    "signing": 600,
    "minutes": 600,
    "boardpack": 300,
    "downloads": 300,
    "fanout": 900,
    "votes": 1200,
    # 500 JS tablets × 3 alternations × 2 databases, on the app as it was before issue 15's
    # work (joins of 500 took 34-60 s each); far less once joins are cheap.
    "tablets": 5400,
    # The same through nginx into 2 workers (3 waves instead of 10).
    "tablets_workers": 3600,
    # 2,000 JS tablets through nginx into 4 workers, app and bare, × 3 alternations.
    "cluster": 3600,
}
DEFAULT_BUDGET = 900
TAIL_LINES = 25


def discover() -> list[str]:
    """Every benchmark script's short name (``bench_fanout.py`` → ``fanout``), in run order."""
    names = sorted(p.stem.removeprefix("bench_") for p in (ROOT / "bench").glob("bench_*.py"))
    known = [n for n in ORDER if n in names]
    return known + [n for n in names if n not in ORDER]


def redact(url: str) -> str:
    """The database URL without its password, for logs and the report."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}{':***' if ':' in credentials else ''}@{host}"


def probe_postgres(url: str, timeout: int = 3) -> tuple[bool, str]:
    """Whether a PostgreSQL server answers a query at ``url`` (bounded by ``timeout`` seconds)."""
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        with psycopg.connect(conninfo, connect_timeout=timeout) as connection:
            version = connection.execute("show server_version").fetchone()[0]
    except (psycopg.Error, OSError) as error:
        return False, str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
    return True, f"PostgreSQL {version}"


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, grandchildren, ...) from /proc, deepest last."""
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{parent}/task").iterdir():
                with contextlib.suppress(OSError):
                    for child in (task / "children").read_text().split():
                        found.append(int(child))
                        queue.append(int(child))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def stop(process: subprocess.Popen) -> None:
    """Stop a script that overran: SIGINT first so its ``with`` blocks stop the servers it
    started, then SIGKILL whatever of its own process tree is left, by pid."""
    tree = descendants(process.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    # Servers run in their own sessions (run_process), so the group signal does not reach them.
    for pid in tree:
        if alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while any(alive(p) for p in tree) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in tree:
        if alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def tail(path: Path, lines: int = TAIL_LINES) -> str:
    """The last lines of a log file."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def run_script(name: str, env: dict[str, str], budget: float) -> dict:
    """Run ``bench/bench_<name>.py`` within ``budget`` seconds; its status, timing and outputs."""
    script = ROOT / "bench" / f"bench_{name}.py"
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"bench_{name}.log"
    command = [sys.executable, str(script.relative_to(ROOT))]
    started_at = time.time()
    load = os.getloadavg()
    print(f"== bench_{name}.py (budget {budget:.0f} s, load {load[0]:.1f}) ==", flush=True)
    t0 = time.monotonic()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode = process.wait(timeout=budget)
            status = "ok" if returncode == 0 else "failed"
        except subprocess.TimeoutExpired:
            stop(process)
            returncode = process.returncode
            status = "timeout"
        except KeyboardInterrupt:
            stop(process)
            raise
    seconds = time.monotonic() - t0
    # Scripts save to bench/out/<name>.json by convention. The file is copied at once into this
    # run's folder, so someone running the same script by hand later cannot change the report.
    written = OUT_DIR / f"{name}.json"
    outputs = []
    if written.exists() and written.stat().st_mtime >= started_at:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copy2(written, RESULTS_DIR / written.name)
        outputs.append(written.name)
    reason = ""
    if status == "ok" and not outputs:
        status, reason = "failed", f"exited 0 but wrote no bench/out/{name}.json"
    elif status == "failed":
        reason = f"exit status {returncode}"
    elif status == "timeout":
        reason = f"overran its {budget:.0f} s budget and was stopped"
    if status != "ok" and outputs:
        # A result of a failed run must not be reported as a measurement.
        (RESULTS_DIR / outputs[0]).unlink()
        outputs = []
    result = {
        "name": name,
        "script": f"bench/bench_{name}.py",
        "command": f".venv/bin/python bench/bench_{name}.py",
        "status": status,
        "reason": reason,
        "returncode": returncode,
        "seconds": round(seconds, 1),
        "budget": budget,
        "at": datetime.fromtimestamp(started_at, UTC).isoformat(timespec="seconds"),
        "loadavg": [round(x, 2) for x in load],
        "outputs": outputs,
        "log": str(log_path.relative_to(ROOT)),
        "tail": tail(log_path) if status != "ok" else "",
    }
    verdict = status if not reason else f"{status}: {reason}"
    print(f"   {verdict} in {seconds:.0f} s; wrote {', '.join(outputs) or 'nothing'}", flush=True)
    if status != "ok":
        print("   " + result["tail"].replace("\n", "\n   "), flush=True)
    return result


def bench_environment(pg_url: str, pg_reachable: bool) -> dict[str, str]:
    """The scripts' environment: loopback only, PostgreSQL passed on only when it answers."""
    env = dict(os.environ)
    # curl and aiohttp must never route 127.0.0.1 through a proxy someone has configured.
    for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        env.pop(key, None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost,::1"
    env["PYTHONUNBUFFERED"] = "1"
    for key in ("BENCH_PG_URL", "ECABINET_TEST_DATABASE_URL", "ECABINET_BENCH_DATABASE_URL"):
        env.pop(key, None)
    if pg_reachable:
        # bench_votes.py reads BENCH_PG_URL; newer scripts read ECABINET_BENCH_DATABASE_URL.
        env["ECABINET_BENCH_DATABASE_URL"] = env["BENCH_PG_URL"] = pg_url
    return env


def load_previous() -> dict:
    """The previous run's record (kept for the scripts not re-run with ``--only``)."""
    with contextlib.suppress(OSError, ValueError):
        return json.loads(RUN_FILE.read_text())
    return {}


def git_revision() -> str:
    """The commit measured, with ``+dirty`` when the tree has uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        scripts = subprocess.run(
            ["git", "status", "--porcelain", "--", "bench/bench_*.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    # A script measured before its author committed it is worth saying: the commit lacks it.
    pending = sorted(Path(line[3:]).name for line in scripts if line.strip())
    return (
        head
        + ("+dirty" if dirty else "")
        + (f" (uncommitted: {', '.join(pending)})" if pending else "")
    )


def main() -> int:
    """Run the scripts, write the plot and the report; non-zero when any script failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="e.g. fanout votes")
    parser.add_argument("--budget-scale", type=float, default=1.0)
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()

    from bench import plot, report

    if args.report_only:
        run = load_previous()
        if not run:
            print("no bench/out/run.json yet: run bench/run_all.py first", file=sys.stderr)
            return 2
    else:
        names = discover()
        if args.only:
            unknown = sorted(set(args.only) - set(names))
            if unknown:
                parser.error(f"no bench/bench_<name>.py for: {', '.join(unknown)}")
            names = [n for n in names if n in args.only]
        pg_url = os.environ.get("ECABINET_BENCH_DATABASE_URL") or DEFAULT_PG_URL
        pg_reachable, pg_detail = probe_postgres(pg_url)
        print(
            f"PostgreSQL {redact(pg_url)}: "
            f"{pg_detail if pg_reachable else 'unreachable (' + pg_detail + ')'}",
            flush=True,
        )
        env = bench_environment(pg_url, pg_reachable)
        previous = load_previous() if args.only else {}
        if not args.only:
            for stale in RESULTS_DIR.glob("*.json"):
                stale.unlink()
        run = {
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine_info(),
            "revision": git_revision(),
            "loadavg_start": [round(x, 2) for x in os.getloadavg()],
            "postgresql": {
                "url": redact(pg_url),
                "reachable": pg_reachable,
                "detail": pg_detail,
            },
            "scripts": {},
        }
        if previous:
            run["scripts"] = {
                n: s for n, s in previous.get("scripts", {}).items() if n not in names
            }
            run["started"] = previous.get("started", run["started"])
            run["loadavg_start"] = previous.get("loadavg_start", run["loadavg_start"])
            if previous.get("revision") not in (None, run["revision"]):
                run["revision"] = f"{previous['revision']} (re-run: {run['revision']})"
        for name in names:
            budget = BUDGETS.get(name, DEFAULT_BUDGET) * args.budget_scale
            run["scripts"][name] = run_script(name, env, budget)
            # Written after every script so an interrupted run still has its report input.
            RUN_FILE.write_text(json.dumps(run, ensure_ascii=False, indent=2) + "\n")
        run["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        run["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        RUN_FILE.write_text(json.dumps(run, ensure_ascii=False, indent=2) + "\n")

    plot_path = None
    fanout = run["scripts"].get("fanout", {})
    if "fanout.json" in fanout.get("outputs", []):
        plot_path = plot.plot_fanout(RESULTS_DIR / "fanout.json")
        print(f"plot: {plot_path.relative_to(ROOT)}")
    tablets = run["scripts"].get("tablets", {})
    if "tablets.json" in tablets.get("outputs", []):
        document = json.loads((RESULTS_DIR / "tablets.json").read_text())
        for key, png in (
            ("series", "tablets-fanout"),
            ("series_postgres", "tablets-fanout-postgres"),
        ):
            if document.get(key):
                drawn = plot.plot_fanout(
                    RESULTS_DIR / "tablets.json",
                    ROOT / "docs" / "img" / f"{png}.png",
                    key=key,
                    label="e-Cabinet, JS client tablets",
                )
                print(f"plot: {drawn.relative_to(ROOT)}")
    path = report.write_report(run, plot=plot_path)
    print(f"report: {path.relative_to(ROOT)}")
    failed = [n for n, s in run["scripts"].items() if s["status"] != "ok"]
    if failed:
        print(f"FAILED: {', '.join(failed)} (see {path.relative_to(ROOT)})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
