"""The two clusters `bench/bench_cluster.py` measures, each nginx in front of N gevent workers
on one Redis queue:

* `app_cluster(...)`: deploy/local.py itself (docs/nginx.conf.example adapted, N `python
  app.py` workers on one database), its "READY" and "WORKER n pid=... up" lines read from its
  output as tests/deploy/topology.py reads them;
* `bare_cluster(...)`: N bare python-socketio servers (bench/tablets/bare_server.py, a Redis
  manager on the same Redis) behind the same nginx configuration (deploy/local.py's
  `nginx_config`, so the same stickiness, timeouts and buffers).

Both yield a `Cluster`: nginx's URL, the workers' pids and ports, and per worker its resident
memory and the connections nginx holds to it. Everything started is stopped on exit, bounded.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.common import OUT_DIR, ROOT, free_port, rss_bytes, wait_for_port
from bench.tablets import harness
from deploy.local import nginx_config

KEEPALIVE = 32  # docs/nginx.conf.example: idle connections nginx keeps open to the upstream


@dataclass
class Cluster:
    """nginx in front of workers: where to connect, and what each worker holds."""

    url: str
    pids: list[int]
    ports: list[int]

    def rss(self) -> list[int]:
        """Each worker's resident memory, in bytes."""
        return [rss_bytes(pid) for pid in self.pids]

    def connections(self) -> list[int]:
        """Established TCP connections to each worker's port (nginx's WebSockets and requests)."""
        wanted = {f"{port:04X}": n for n, port in enumerate(self.ports)}
        counts = [0] * len(self.ports)
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with contextlib.suppress(OSError):
                for line in Path(table).read_text().splitlines()[1:]:
                    fields = line.split()
                    port = fields[1].rsplit(":", 1)[1]
                    if fields[3] == "01" and port in wanted:  # 01: ESTABLISHED
                        counts[wanted[port]] += 1
        return counts


def settle(cluster: Cluster, *, timeout: float = 60, pause: float = 2.0) -> None:
    """Wait (bounded) until the workers have let the last side's tablets go: at most nginx's
    idle keep-alive connections left, then ``pause`` more for their disconnect handling."""
    deadline = time.monotonic() + timeout
    while sum(cluster.connections()) > KEEPALIVE + len(cluster.ports):
        if time.monotonic() > deadline:
            print(f"  still {cluster.connections()} connections after {timeout:.0f} s", flush=True)
            break
        time.sleep(0.5)
    time.sleep(pause)


def _stop_group(process: subprocess.Popen, first: int, timeout: float) -> None:
    """Signal a process's own group (it was started in a session of its own), then kill it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, first)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def app_cluster(
    database_url: str,
    instance: Path,
    redis_url: str,
    *,
    workers: int,
    nginx_connections: int,
    workdir: Path,
    timeout: float = 600,
) -> Iterator[Cluster]:
    """deploy/local.py with ``workers`` workers; stopped with SIGTERM (the workers drain)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECABINET_")}
    env.update(harness.app_env(redis_url), TMPDIR=str(workdir), PYTHONPATH=str(ROOT))
    command = [sys.executable, str(ROOT / "deploy" / "local.py"), "--workers", str(workers)]
    command += ["--port", str(port), "--redis", redis_url, "--database", database_url]
    command += ["--instance", str(instance), "--nginx-connections", str(nginx_connections)]
    log_path = OUT_DIR / "logs" / "cluster-app.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    changed = threading.Condition()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=True,
        )

        def read() -> None:
            for line in process.stdout:
                log.write(line)
                with changed:
                    lines.append(line)
                    changed.notify_all()
            with changed:
                lines.append("EOF\n")
                changed.notify_all()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            with changed:
                changed.wait_for(lambda: any(re.match(r"READY |EOF", x) for x in lines), timeout)
                ready = [x for x in lines if x.startswith("READY ")]
            if not ready:
                log.flush()
                tail = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"deploy/local.py did not become ready:\n{tail}")
            up = {}
            for line in lines:
                found = re.match(r"WORKER (\d+) pid=(\d+) port=(\d+) up", line)
                if found:
                    up[int(found[1])] = (int(found[2]), int(found[3]))
            ordered = [up[n] for n in sorted(up)]
            yield Cluster(ready[0].split()[1], [p for p, _ in ordered], [q for _, q in ordered])
        finally:
            _stop_group(process, signal.SIGTERM, 120)
            reader.join(timeout=10)


@contextlib.contextmanager
def bare_cluster(
    redis_url: str, shapes: Path, *, workers: int, nginx_connections: int, workdir: Path
) -> Iterator[Cluster]:
    """``workers`` bare servers on ``redis_url`` behind nginx configured as deploy/local.py does."""
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(harness.bare_server(redis_url, shapes)) for _ in range(workers)
        ]
        prefix = workdir / "nginx-bare"
        prefix.mkdir(parents=True, exist_ok=True)
        port = free_port()
        ports = [s.port for s in servers]
        conf = prefix / "nginx.conf"
        conf.write_text(nginx_config(prefix, port, ports, prefix, False, nginx_connections))
        subprocess.run(
            ["nginx", "-t", "-q", "-p", str(prefix), "-c", str(conf)], check=True, timeout=30
        )
        nginx = subprocess.Popen(
            ["nginx", "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
            cwd=prefix,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        stack.callback(_stop_group, nginx, signal.SIGQUIT, 15)
        wait_for_port(port, timeout=30, process=nginx)
        yield Cluster(f"http://127.0.0.1:{port}", [s.process.pid for s in servers], ports)
