"""The scale-out cluster a test starts: gevent workers on PostgreSQL (reached through a TCP proxy
the test can cut) and a private Redis, behind a real nginx configured as docs/nginx.conf.example
says (cookie-based stickiness)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

from deploy.local import nginx_config
from tests.conftest import free_port, wait_port
from tests.workers import cookie_header, sign_in

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = "scaleout"


class TcpProxy:
    """A TCP forwarder in front of PostgreSQL that the test can cut (every connection dropped,
    new ones refused) and restore."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.up = True
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def cut(self) -> None:
        """Drop every connection and refuse new ones."""
        self.up = False
        with self.lock:
            conns, self.conns = self.conns, []
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass

    def restore(self) -> None:
        """Forward again."""
        self.up = True

    def close(self) -> None:
        """Stop listening and drop everything."""
        self.cut()
        self.server.close()


class Cluster:
    """N workers + nginx + a private Redis + the database proxy, in `tmp`."""

    def __init__(self, tmp: Path, pg_url: str, workers: int = 3) -> None:
        self.tmp = tmp
        self.pg_url = pg_url
        pg = urlsplit(pg_url)
        self.db_proxy = TcpProxy(pg.hostname or "127.0.0.1", pg.port or 5432)
        self.redis_port = free_port()
        self.redis: subprocess.Popen | None = None
        self.ports = [free_port() for _ in range(workers)]
        self.procs: list[subprocess.Popen | None] = [None] * workers
        self.nginx: subprocess.Popen | None = None
        self.front = free_port()
        proxied = pg._replace(netloc=f"{pg.username or 'postgres'}@127.0.0.1:{self.db_proxy.port}")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ECABINET_")}
        self.env.update(
            PYTHONPATH=str(ROOT),
            ECABINET_INSTANCE_PATH=str(tmp / "instance"),
            ECABINET_SECRET_KEY="scale-out-shared-secret-" + "z" * 24,
            ECABINET_DATABASE_URL=f"{proxied.geturl()}?options=-csearch_path%3D{SCHEMA}",
            ECABINET_REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            ECABINET_ASYNC_MODE="gevent",
            ECABINET_TICK_IN_PROCESS="0",
            ECABINET_LOGIN_SLOWDOWN_SECONDS="0",
            ECABINET_LOGIN_IP_MAX_FAILURES="1000",
            ECABINET_HEARTBEAT_SECONDS="2",
            ECABINET_DRAIN_SECONDS="10",
            ECABINET_LOG_FORMAT="text",
            ECABINET_PUBLIC_URL=f"http://127.0.0.1:{self.front}",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.front}"

    # ------------------------------------------------------------------------ lifecycle

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_port(self.redis_port, 30)

    def stop_redis(self) -> None:
        if self.redis is not None:
            self.redis.kill()
            self.redis.wait(timeout=10)
            self.redis = None

    def run(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            list(args),
            cwd=ROOT,
            env=self.env,
            input=stdin,
            text=True,
            capture_output=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start_worker(self, i: int) -> None:
        log = open(self.tmp / f"worker{i}.log", "a")  # noqa: SIM115  (kept by the process)
        env = {**self.env, "ECABINET_PORT": str(self.ports[i])}
        self.procs[i] = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

    def wait_worker(self, i: int, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self.procs[i]
            assert proc is not None and proc.poll() is None, self.log(i)[-3000:]
            try:
                if requests.get(f"http://127.0.0.1:{self.ports[i]}/healthz", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"worker {i} did not start:\n{self.log(i)[-3000:]}")

    def signal_worker(self, i: int, sig: int) -> None:
        proc = self.procs[i]
        assert proc is not None
        proc.send_signal(sig)
        if sig in (signal.SIGKILL, signal.SIGTERM):
            proc.wait(timeout=60)

    def start_nginx(self) -> None:
        """Debian's nginx with docs/nginx.conf.example, as deploy/local.py adapts it: the test
        checks the configuration operators are given (stickiness, no `max_fails`, timeouts)."""
        folder = self.tmp / "nginx"
        folder.mkdir(exist_ok=True)
        conf = folder / "nginx.conf"
        text = nginx_config(folder, self.front, self.ports, self.tmp / "instance", debug=False)
        conf.write_text(("user root;\n" if os.geteuid() == 0 else "") + text)
        self.nginx = subprocess.Popen(
            ["nginx", "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.front, 30)

    def stop(self) -> None:
        for proc in [*self.procs, self.nginx]:
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        self.stop_redis()
        self.db_proxy.close()

    def log(self, i: int) -> str:
        path = self.tmp / f"worker{i}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(self.log(i) for i in range(len(self.ports)))

    # --------------------------------------------------------------------------- people

    def sign_in(self, email: str, password: str) -> str:
        """A session cookie header for `email`, signed in through nginx."""
        return cookie_header(sign_in(self.url, email, password))
