"""The gevent worker: serve the app, and on SIGTERM leave without dropping anything.

`python app.py` calls `run` in gevent mode (after monkey patching, which must come first). On
SIGTERM (or SIGINT) the worker:

1. stops accepting connections (the listening socket is closed; the proxy sends new ones to
   the other workers) and refuses new Socket.IO connections;
2. drains: waits until no request and no socket event is in flight — their commits done and
   their acks sent — for at most `ECABINET_DRAIN_SECONDS`;
3. tells its tablets `server.restarting` (they reconnect, through the proxy, to another worker,
   rejoin and resend what is unanswered with the same client_id), gives the sockets a moment
   to flush, and exits. Each step is logged.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from typing import Any

import gevent
from gevent import pywsgi
from gevent.event import Event
from geventwebsocket.handler import WebSocketHandler

from cabinet import logs, pg_wait, websocket_frames
from cabinet.extensions import socketio
from cabinet.lifecycle import worker

log = logging.getLogger(__name__)
#: Time given to the sockets' writers to send the last acks and `server.restarting`.
FLUSH_SECONDS = 0.5


class CountRequests:
    """WSGI middleware: counts HTTP requests in flight (not the long-lived Socket.IO ones)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO", "").startswith("/socket.io"):
            return self.app(environ, start_response)
        worker.enter()
        try:
            body = self.app(environ, start_response)
        except BaseException:
            worker.leave()
            raise
        return _Counted(body)


class _Counted:
    """A response body that leaves the in-flight count once the server has sent it."""

    def __init__(self, body: Any) -> None:
        self.body = body

    def __iter__(self) -> Any:
        return iter(self.body)

    def close(self) -> None:
        """Close the body, then count the request done."""
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            worker.leave()


class Handler(WebSocketHandler):
    """gevent-websocket's handler, with Nagle's algorithm off on each connection.

    pywsgi sends a response's headers and its body in two writes. With Nagle on, the body
    waited for the peer to acknowledge the headers, and on a kept-alive connection (a
    browser's, nginx's upstream `keepalive`) the peer delays that ACK: every request after a
    connection's first took 40 ms more (gevent does not set TCP_NODELAY; gunicorn does)."""

    def __init__(self, sock: Any, address: Any, server: Any, rfile: Any = None) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().__init__(sock, address, server, rfile)


def make_server(app: Any, host: str, port: int) -> pywsgi.WSGIServer:
    """The worker's HTTP and WebSocket server for `app` (not started)."""
    return pywsgi.WSGIServer((host, port), CountRequests(app), handler_class=Handler, log=None)


def run(app: Any, host: str, port: int) -> None:
    """Serve `app` until SIGTERM/SIGINT, then drain and leave (see the module docstring)."""
    config = app.extensions["ecabinet.settings"]
    logs.configure(config.log_format)
    websocket_frames.install()
    pg_wait.install()
    server = make_server(app, host, port)
    done = Event()

    def on_signal() -> None:
        if not worker.draining:
            gevent.spawn(drain, server, config.drain_seconds, done)

    gevent.signal_handler(signal.SIGTERM, on_signal)
    gevent.signal_handler(signal.SIGINT, on_signal)
    server.start()
    log.info("worker %d serving on http://%s:%d", os.getpid(), host, port)
    done.wait()
    server.stop(timeout=1)


def drain(server: pywsgi.WSGIServer, seconds: float, done: Event) -> None:
    """Stop accepting, let in-flight work finish (bounded), tell the tablets, then stop."""
    started = time.monotonic()
    worker.draining = True
    server.close()
    log.warning(
        "SIGTERM: stopped accepting; draining %d in-flight request(s)/event(s), at most %.0f s",
        worker.inflight,
        seconds,
    )
    while worker.inflight and time.monotonic() - started < seconds:
        gevent.sleep(0.02)
    left = worker.inflight
    sockets = tell_tablets()
    gevent.sleep(FLUSH_SECONDS)
    log.warning(
        "SIGTERM: drained in %.2f s (%d still in flight), told %d socket(s) to reconnect; exiting",
        time.monotonic() - started,
        left,
        sockets,
    )
    done.set()


def tell_tablets() -> int:
    """`server.restarting` to every socket of this worker (not through the queue): reconnect."""
    server = socketio.server
    if server is None:
        return 0
    count = len(server.manager.rooms.get("/", {}).get(None, {}))
    server.emit("server.restarting", {"reconnect": True}, namespace="/", ignore_queue=True)
    return count
