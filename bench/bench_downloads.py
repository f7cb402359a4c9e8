"""100 concurrent downloads of a 20 MB paper: the app, nginx, and the app behind nginx (X-Accel).

All three run in the same process tree, on loopback, against the same stored file:

* **app**: the paper served by ``cabinet.storage.send_stored`` (ETag, Range, streaming) from a
  Flask app on gevent's WSGI server, as a signed-in member (a session cookie is checked on every
  request). Until the meetings package has its paper route, this is a minimal Flask app with the
  same serving function; then it switches to the real route.
* **nginx**: Debian's nginx serving the file directly (sendfile): the baseline.
* **app + X-Accel**: nginx in front of the app; the app checks the session and answers with
  ``X-Accel-Redirect``; nginx sends the bytes.

The client is curl (``--parallel``), so the Python GIL of the client is not what is measured.
Targets: app ≥ 0.5× nginx; app + X-Accel ≈ 1× nginx (≥ 0.9×).

    .venv/bin/python bench/bench_downloads.py [--clients 100] [--size-mb 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Scenario,
    free_port,
    percentile,
    print_table,
    run_process,
    save_results,
)

COOKIE = "bench-member"


def make_paper(path: Path, size_mb: int) -> None:
    """A valid PDF of about ``size_mb`` MB: one scanned page, its image incompressible (scanned
    papers are). Not an attachment: uploads strip embedded files (`cabinet.storage.package`),
    which left a 4 kB paper to download."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    side = int((size_mb * 1024 * 1024 / 3) ** 0.5)
    scan = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    drawing = canvas.Canvas(str(path))
    drawing.drawImage(ImageReader(scan), 0, 0, width=595, height=842)
    drawing.drawString(72, 760, "Bench paper")
    drawing.showPage()
    drawing.save()


def serve_app(port: int, root: str, sha: str) -> None:
    """The app side: a Flask app on gevent's WSGIServer serving one stored paper."""
    from gevent import monkey

    monkey.patch_all()
    from flask import Flask, abort, request
    from gevent.pywsgi import WSGIServer

    from cabinet.storage import ContentStore, send_stored

    store = ContentStore(root)
    app = Flask(__name__)

    def paper(x_accel: bool):
        # Stands in for the member's session check; the real route does it with Flask-Login.
        if request.cookies.get("session") != COOKIE:
            abort(401)
        return send_stored(
            store.path_for(sha),
            download_name="Tờ trình.pdf",
            mimetype="application/pdf",
            x_accel=x_accel,
            x_accel_root=store.root,
        )

    app.add_url_rule("/paper", "paper", lambda: paper(False))
    app.add_url_rule("/paper-xaccel", "paper_xaccel", lambda: paper(True))
    WSGIServer(("127.0.0.1", port), app, log=None).serve_forever()


NGINX_CONF = """
{user}
worker_processes {workers};
error_log {tmp}/error.log warn;
pid {tmp}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    types {{ application/pdf pdf; }}
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream app {{ server 127.0.0.1:{app_port}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{static_port};
        location = /paper {{ default_type application/pdf; alias {paper}; }}
    }}
    server {{
        listen 127.0.0.1:{front_port};
        location /_protected/ {{ internal; alias {root}/; }}
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


def download(url: str, clients: int, expected: int, workdir: Path) -> dict:
    """``clients`` simultaneous GETs of ``url`` with curl; wall time, throughput, per-download p50/p99."""
    config = workdir / "curl.conf"
    config.write_text("".join(f'url = "{url}"\noutput = "/dev/null"\n' for _ in range(clients)))
    started = time.perf_counter()
    result = subprocess.run(
        [
            "curl",
            "--silent",
            "--show-error",
            "--no-progress-meter",
            "--parallel",
            "--parallel-immediate",
            "--parallel-max",
            str(clients),
            "--cookie",
            f"session={COOKIE}",
            "--write-out",
            "%{http_code} %{size_download} %{time_total}\n",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    wall = time.perf_counter() - started
    rows = [line.split() for line in result.stdout.splitlines() if line.strip()]
    bad = [r for r in rows if r[0] != "200" or int(r[1]) != expected]
    if len(rows) != clients or bad or result.returncode != 0:
        raise RuntimeError(
            f"{url}: {len(rows)} downloads, {len(bad)} wrong (first: {bad[:1]}), "
            f"curl exit {result.returncode}: {result.stderr[-300:]}"
        )
    times = [float(r[2]) for r in rows]
    return {
        "wall_s": wall,
        "mb_per_s": clients * expected / wall / 1e6,
        "p50_s": percentile(times, 50),
        "p99_s": percentile(times, 99),
    }


def main() -> None:
    """Run the three servers, measure each ``rounds`` times (interleaved), report the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--size-mb", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--nginx-workers", default="auto")
    args = parser.parse_args()
    if not shutil.which("nginx") or not shutil.which("curl"):
        sys.exit("nginx (Debian nginx-light) and curl are needed: apt-get install nginx-light curl")

    from cabinet.storage import ContentStore, check_and_store

    with tempfile.TemporaryDirectory(prefix="bench-downloads-") as temp:
        tmp = Path(temp)
        source = tmp / "paper.pdf"
        make_paper(source, args.size_mb)
        store = ContentStore(tmp / "files")
        with source.open("rb") as handle:
            upload = check_and_store(handle, "paper.pdf", store=store, max_bytes=1 << 31)
        source.unlink()
        paper = store.path_for(upload.sha256)

        app_port, static_port, front_port = free_port(), free_port(), free_port()
        (tmp / "nginx").mkdir()
        conf = tmp / "nginx" / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                # As root, nginx workers would drop to "nobody", who cannot read the 0700 temp dir.
                user="user root;" if os.geteuid() == 0 else "",
                workers=args.nginx_workers,
                tmp=tmp / "nginx",
                app_port=app_port,
                static_port=static_port,
                front_port=front_port,
                paper=paper,
                root=store.root,
            )
        )
        app_command = [
            sys.executable,
            __file__,
            "--serve",
            str(app_port),
            str(store.root),
            upload.sha256,
        ]
        nginx_command = ["nginx", "-p", str(tmp / "nginx"), "-c", str(conf), "-g", "daemon off;"]
        targets = {
            "nginx": f"http://127.0.0.1:{static_port}/paper",
            "app": f"http://127.0.0.1:{app_port}/paper",
            "app + X-Accel": f"http://127.0.0.1:{front_port}/paper-xaccel",
        }
        runs: dict[str, list[dict]] = {name: [] for name in targets}
        with run_process(app_command, app_port), run_process(nginx_command, front_port):
            for url in targets.values():  # warm-up: page cache, connections, imports
                download(url, 4, upload.size, tmp)
            for _ in range(args.rounds):
                for name, url in targets.items():
                    runs[name].append(download(url, args.clients, upload.size, tmp))

    def median(name: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[name])

    label = f"{args.clients} concurrent downloads of a {args.size_mb} MB paper"
    results = [
        Scenario(
            f"{label}: app (send_stored, gevent)",
            median("app", "mb_per_s"),
            median("nginx", "mb_per_s"),
            "MB/s",
            target=0.5,
            higher_is_better=True,
            baseline_name="nginx",
            extra={"p99_s": median("app", "p99_s"), "nginx_p99_s": median("nginx", "p99_s")},
        ),
        Scenario(
            f"{label}: app + X-Accel-Redirect behind nginx",
            median("app + X-Accel", "mb_per_s"),
            median("nginx", "mb_per_s"),
            "MB/s",
            target=0.9,
            higher_is_better=True,
            baseline_name="nginx",
            extra={"p99_s": median("app + X-Accel", "p99_s")},
        ),
    ]
    print_table(results)
    for name, rounds in runs.items():
        print(
            f"{name:>14}: "
            + ", ".join(f"{r['mb_per_s']:.0f} MB/s (p99 {r['p99_s']:.2f} s)" for r in rounds)
        )
    path = save_results(
        "downloads", results, extra={"rounds": runs, "nginx_workers": args.nginx_workers}
    )
    print(f"saved {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve_app(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        main()
