"""The scale-out cluster a test starts: gevent workers on PostgreSQL (reached through a TCP proxy
the test can cut) and a private Redis, behind a real nginx with cookie-based stickiness."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = "scaleout"

NGINX_CONF = """{user}
worker_processes 1;
error_log {tmp}/error.log warn;
pid {tmp}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream ecabinet {{
        # Sticky by the session cookie (not ip_hash: a room of tablets behind one NAT would all
        # land on one worker); a worker that is down is skipped.
        hash $cookie_ecabinet_session consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://ecabinet;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 3600s;
            proxy_connect_timeout 2s;
            proxy_next_upstream error timeout http_502;
        }}
    }}
}}
"""


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


def wait_port(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


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
        folder = self.tmp / "nginx"
        folder.mkdir(exist_ok=True)
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in self.ports
        )
        conf = folder / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                user="user root;" if os.geteuid() == 0 else "",
                tmp=folder,
                servers=servers,
                port=self.front,
            )
        )
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
        http = requests.Session()
        page = http.get(f"{self.url}/sign-in", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = http.post(
            f"{self.url}/sign-in",
            data={"email": email, "password": password, "csrf_token": token},
            timeout=30,
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:500]
        return "; ".join(f"{c.name}={c.value}" for c in http.cookies)
