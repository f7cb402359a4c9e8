"""The benchmark harness every `bench/bench_*.py` script uses.

A scenario is measured beside its baseline *in the same run* (same machine, same load), and
reported as a ratio against a target. Results go to ``bench/out/<name>.json`` (read by
``make bench`` to write docs/benchmarks.md) and to stdout as a Markdown table.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"


@dataclass(frozen=True)
class Scenario:
    """One measured figure beside its baseline, with the target ratio figure/baseline.

    ``higher_is_better`` decides the direction: throughput passes when ratio >= target,
    latency and memory when ratio <= target. Without a baseline, ``limit`` (an absolute bound in
    ``unit``) decides instead.
    """

    name: str
    figure: float
    baseline: float | None
    unit: str
    target: float | None = None
    higher_is_better: bool = False
    limit: float | None = None
    baseline_name: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """figure / baseline, or None without a (non-zero) baseline."""
        if self.baseline in (None, 0):
            return None
        return self.figure / self.baseline

    @property
    def passed(self) -> bool | None:
        """Whether the target (ratio or absolute limit) is met; None when there is none."""
        ratio = self.ratio
        if self.target is not None and ratio is not None:
            return ratio >= self.target if self.higher_is_better else ratio <= self.target
        if self.limit is not None:
            return self.figure >= self.limit if self.higher_is_better else self.figure <= self.limit
        return None

    def as_dict(self) -> dict:
        """The scenario with its derived ratio and verdict, JSON-ready."""
        return {**asdict(self), "ratio": self.ratio, "passed": self.passed}


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:,.3g}"


def format_table(results: Sequence[Scenario]) -> str:
    """The results as a Markdown table: figure, baseline, ratio, target and verdict."""
    lines = [
        "| scenario | figure | baseline | ratio | target | result |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for r in results:
        baseline = f"{_fmt(r.baseline)} {r.unit}" if r.baseline is not None else "—"
        if r.baseline_name and r.baseline is not None:
            baseline += f" ({r.baseline_name})"
        if r.target is not None:
            target = f"{'≥' if r.higher_is_better else '≤'} {r.target:g}×"
        elif r.limit is not None:
            target = f"{'≥' if r.higher_is_better else '≤'} {_fmt(r.limit)} {r.unit}"
        else:
            target = "—"
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "—"
        verdict = {True: "pass", False: "**miss**", None: "—"}[r.passed]
        lines.append(
            f"| {r.name} | {_fmt(r.figure)} {r.unit} | {baseline} | {ratio} | {target} | {verdict} |"
        )
    return "\n".join(lines)


def print_table(results: Sequence[Scenario]) -> str:
    """Print the Markdown table (and return it)."""
    table = format_table(results)
    print(table, flush=True)
    return table


def machine_info() -> dict[str, str | int]:
    """CPU model, cores, RAM, Python and OS of this machine, for the report."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count() or 1,
        "ram_gb": round(ram / 1024**3, 1),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "distro": _distro(),
    }


def _distro() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    return platform.platform()


def save_results(name: str, results: Sequence[Scenario], *, extra: Mapping | None = None) -> Path:
    """Write ``bench/out/<name>.json`` with the machine, the time and every scenario."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    document = {
        "name": name,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "scenarios": [r.as_dict() for r in results],
        **(dict(extra) if extra else {}),
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return path


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError("p must be within 0..100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(
    port: int, *, timeout: float = 30.0, process: subprocess.Popen | None = None
) -> None:
    """Block until something accepts connections on 127.0.0.1:port (bounded by ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on port {port} after {timeout}s")


def rss_bytes(pid: int, *, children: bool = True) -> int:
    """Resident memory of a process (and its children) from /proc, in bytes."""
    total = 0
    pids = [pid]
    if children:
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
    for one in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


@dataclass
class Server:
    """A server subprocess listening on 127.0.0.1:port."""

    process: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:41234."""
        return f"http://127.0.0.1:{self.port}"

    def rss(self) -> int:
        """The server's resident memory in bytes."""
        return rss_bytes(self.process.pid)

    def cpu(self) -> float:
        """The CPU time the server has used so far (user + system), in seconds: what a
        scenario costs the server, whatever else the machine is running."""
        return cpu_seconds(self.process.pid)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process from /proc, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def run_process(
    command: Sequence[str], port: int, *, env: Mapping[str, str] | None = None, timeout: float = 60
) -> Iterator[Server]:
    """Start a server command, wait until it listens on ``port``, stop it (by its pid) on exit."""
    log = (OUT_DIR / "logs").resolve()
    log.mkdir(parents=True, exist_ok=True)
    stderr = (log / f"server-{port}.log").open("wb")
    process = subprocess.Popen(
        list(command),
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )
    try:
        try:
            wait_for_port(port, timeout=timeout, process=process)
        except (RuntimeError, TimeoutError) as error:
            stderr.flush()
            tail = (log / f"server-{port}.log").read_text(errors="replace")[-1500:]
            raise RuntimeError(f"{' '.join(command)[:120]}: {error}\n{tail}") from None
        yield Server(process, port)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
        stderr.close()


def app_environment(
    database_url: str, instance_path: Path, env: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of the app under benchmark (gevent, its own instance folder)."""
    return {
        "ECABINET_DATABASE_URL": database_url,
        "ECABINET_INSTANCE_PATH": str(instance_path),
        "ECABINET_ASYNC_MODE": "gevent",
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }


def cabinet_command(
    *args: str,
    database_url: str,
    instance_path: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """Run ``flask --app app cabinet <args>`` (e.g. "init", "seed-demo") against that database."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "cabinet", *args],
        cwd=ROOT,
        env={**os.environ, **app_environment(database_url, instance_path, env)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


@contextlib.contextmanager
def app_server(
    database_url: str,
    *,
    instance_path: Path,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
) -> Iterator[Server]:
    """The real app, started as production starts it (``python app.py``: Flask-SocketIO on gevent)."""
    port = port or free_port()
    environment = {
        **app_environment(database_url, instance_path, env),
        "ECABINET_HOST": "127.0.0.1",
        "ECABINET_PORT": str(port),
    }
    with run_process([sys.executable, str(ROOT / "app.py")], port, env=environment) as server:
        yield server


def signed_in_cookie(app: Any, user: Any) -> str:
    """A `Cookie` header value signing `user` in as the sign-in form would: a server-side
    session record (the app refuses a cookie without one), its key in the signed cookie."""
    from cabinet.auth.sessions import SESSION_KEY, open_session

    key = open_session(user.id).key
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": user.get_id(), "_fresh": True, SESSION_KEY: key}
    )
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"
