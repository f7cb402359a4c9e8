"""Start the production topology on this machine: nginx (Debian's) in front of N gevent workers
(`python app.py`), sharing one database (PostgreSQL, or SQLite) and one Redis queue.

    python deploy/local.py --workers 3 --port 8080 --redis redis://127.0.0.1:6379/0 \
        --database postgresql://ecabinet@127.0.0.1/ecabinet --instance /srv/ecabinet/instance

The nginx configuration is docs/nginx.conf.example itself, adapted only where a local run
must differ (plain HTTP on --port, the workers' ports, paths in a private prefix), so this run
checks the example. It prints "READY <url>" once nginx and every worker answer, and stops
everything on SIGTERM/SIGINT (workers first, with SIGTERM: they drain). With --debug-upstream
nginx adds `X-Ecabinet-Upstream` (the worker that answered) to each response, for tests.

Like systemd's `Restart=always`, a worker that exits is started again on its port, so a
rolling restart is `kill -TERM <pid>` of one worker, then (once it answers again) the next.
Each worker's life is printed: `WORKER <n> pid=<pid> port=<port> up` once it answers and
`WORKER <n> pid=<pid> exited code=<code>` when it ends.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "nginx.conf.example"


def nginx_config(
    prefix: Path,
    port: int,
    workers: list[int],
    instance: Path,
    debug: bool,
    connections: int = 4096,
) -> str:
    """docs/nginx.conf.example, made to run locally without TLS. Each proxied WebSocket holds
    two of nginx's ``connections`` (the client's and the worker's)."""
    text = EXAMPLE.read_text()
    options = re.search(r"    server 127\.0\.0\.1:\d+ ([^\n;]*);", text)[1]  # as in the example
    servers = "".join(f"    server 127.0.0.1:{p} {options};\n" for p in workers)
    text = re.sub(r"(    server 127\.0\.0\.1:\d+ [^\n]*\n)+", servers, text, count=1)
    # Only the TLS server block: the port-80 redirect is for a public host name.
    text = re.sub(r"server \{\n    listen 80;.*?\n\}\n\n", "", text, count=1, flags=re.S)
    text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    text = re.sub(r"\n    ssl_[^\n]*", "", text)
    text = text.replace(" Secure;", "")  # plain HTTP locally: a Secure cookie would not return
    text = text.replace("server_name ecabinet.example.gov.vn;", "server_name _;")
    text = text.replace("/srv/ecabinet/static/", f"{ROOT / 'static'}/")
    text = text.replace("/srv/ecabinet/instance/files/", f"{instance / 'files'}/")
    text = text.replace("/var/log/nginx/", f"{prefix}/")
    if debug:
        text = text.replace(
            "    add_header Set-Cookie $ecabinet_route_cookie always;\n",
            "    add_header Set-Cookie $ecabinet_route_cookie always;\n"
            "    add_header X-Ecabinet-Upstream $upstream_addr always;\n",
        )
    temp = "".join(
        f"    {name}_temp_path {prefix}/{name};\n"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"pid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\nworker_processes 1;\n"
        f"events {{ worker_connections {connections}; }}\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"    access_log {prefix}/access.log;\n{temp}{text}}}\n"
    )


def say(line: str) -> None:
    """Print a status line in one write. The workers share this stdout, and under
    PYTHONUNBUFFERED `print` writes a text and its newline apart: a worker's log line could land
    between them, and "exited code=0" read "exited code=02026-12-04 …" (a test once did)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def wait_port(port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"a process exited while starting (code {process.returncode})")
        if answers(port):
            return
        time.sleep(0.1)
    raise SystemExit(f"nothing answers on port {port} after {timeout} s")


def worker_env(args: argparse.Namespace, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ECABINET_PORT=str(port),
        ECABINET_HOST="127.0.0.1",
        ECABINET_ASYNC_MODE="gevent",
        ECABINET_REDIS_URL=args.redis,
        ECABINET_INSTANCE_PATH=str(args.instance),
        ECABINET_PROXY_HOPS="1",
        ECABINET_X_ACCEL_REDIRECT="1",
        ECABINET_PUBLIC_URL=f"http://127.0.0.1:{args.port}",
        PYTHONPATH=str(ROOT),
    )
    if args.database:
        env["ECABINET_DATABASE_URL"] = args.database
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--redis", required=True, help="the Socket.IO queue, redis://...")
    parser.add_argument("--database", help="ECABINET_DATABASE_URL (default: SQLite in --instance)")
    parser.add_argument("--instance", type=Path, required=True)
    parser.add_argument("--debug-upstream", action="store_true")
    parser.add_argument(
        "--nginx-connections", type=int, default=4096, help="two per tablet (client, worker)"
    )
    args = parser.parse_args()
    python = sys.executable
    ports = [free_port() for _ in range(args.workers)]
    subprocess.run(
        [python, "-m", "flask", "--app", "app", "cabinet", "init"],
        cwd=ROOT, env=worker_env(args, ports[0]), check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    prefix = Path(tempfile.mkdtemp(prefix="ecabinet-nginx-"))
    conf = prefix / "nginx.conf"
    conf.write_text(
        nginx_config(
            prefix, args.port, ports, args.instance, args.debug_upstream, args.nginx_connections
        )
    )
    subprocess.run(["nginx", "-t", "-q", "-p", str(prefix), "-c", str(conf)], check=True)
    workers = Workers(python, ports, lambda port: worker_env(args, port))
    nginx = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"], cwd=prefix
    )
    stopping, ready = [], []

    def stop(*_) -> None:
        stopping.append(True)
        if not ready and len(stopping) == 1:  # still starting: give up at once (once: the
            raise SystemExit("stopped while starting")  # `finally` then stops what runs)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        workers.wait_all()
        wait_port(args.port, 30, nginx)
        ready.append(True)
        say(f"READY http://127.0.0.1:{args.port} workers={','.join(map(str, ports))}")
        while not stopping and nginx.poll() is None:
            workers.supervise()
            time.sleep(0.2)
    finally:
        workers.stop()
        if nginx.poll() is None:
            nginx.send_signal(signal.SIGQUIT)
            nginx.wait(timeout=10)
        shutil.rmtree(prefix, ignore_errors=True)  # nginx's config, logs and temp files


class Workers:
    """The gevent workers, one per port; one that exits is started again (a rolling restart)."""

    def __init__(self, python: str, ports: list[int], env: Callable[[int], dict[str, str]]):
        self.python, self.ports, self.env = python, ports, env
        self.procs = [self._spawn(port) for port in ports]
        self.starting = set(range(len(ports)))

    def _spawn(self, port: int) -> subprocess.Popen:
        return subprocess.Popen([self.python, "app.py"], cwd=ROOT, env=self.env(port))

    def _up(self, n: int) -> None:
        self.starting.discard(n)
        say(f"WORKER {n} pid={self.procs[n].pid} port={self.ports[n]} up")

    def wait_all(self) -> None:
        for n, port in enumerate(self.ports):
            wait_port(port, 240, self.procs[n])
            self._up(n)

    def supervise(self) -> None:
        """Start again a worker that has exited; report one that answers after its start."""
        for n, proc in enumerate(self.procs):
            code = proc.poll()
            if code is not None:
                say(f"WORKER {n} pid={proc.pid} exited code={code}")
                if n in self.starting:
                    raise SystemExit(f"worker {n} exited while starting (code {code})")
                self.procs[n] = self._spawn(self.ports[n])
                self.starting.add(n)
            elif n in self.starting and answers(self.ports[n]):
                self._up(n)

    def stop(self) -> None:
        for worker in self.procs:  # each drains its in-flight work on SIGTERM
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in self.procs:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()


if __name__ == "__main__":
    main()
