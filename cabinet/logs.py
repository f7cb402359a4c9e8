"""Logs an operator can use: timestamped lines (or JSON lines), one per request and per socket
event with its outcome and duration, never an event's arguments, a choice or a token.

`ECABINET_LOG_FORMAT=json` writes one JSON object a line (`ts`, `level`, `logger`, `msg` and
the record's fields: `kind`, `event`/`method`+`path`, `outcome`/`status`, `ms`, `user`, `worker`).
Request lines carry the path without its query string (a query may carry a token).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, request

from cabinet import log_redaction

ACCESS = logging.getLogger("cabinet.access")
_FIELDS = ("kind", "event", "method", "path", "status", "outcome", "ms", "user", "worker")
_TEXT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"


class JsonLines(logging.Formatter):
    """One JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON (its traceback, redacted, in `exc`)."""
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
            "msg": record.getMessage(),
        }
        for name in _FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextLines(logging.Formatter):
    """`2026-12-03T15:12:23.123Z LEVEL logger [pid] message`, in UTC."""

    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        """ISO 8601 in UTC with milliseconds."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


def configure(log_format: str = "text", level: int = logging.INFO) -> None:
    """Send every log to stderr in `log_format`, through the ballot-redaction filter."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "ecabinet", False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.ecabinet = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    handler.setFormatter(JsonLines() if log_format == "json" else TextLines(_TEXT))
    root.setLevel(level)
    # What no line shows is not collected for every record (the logging HOWTO, "Optimization"):
    # the caller's frame, found by walking the stack, and the thread, for which gevent builds
    # a dummy thread object in each greenlet that logs (every socket event writes a line).
    logging._srcfile = None
    logging.logThreads = False
    logging.logMultiprocessing = False
    for noisy in ("engineio.server", "socketio.server", "geventwebsocket.handler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    log_redaction.install()


def install_request_lines(app: Flask) -> None:
    """One access line per request: method, path (no query), status, duration, user."""

    @app.before_request
    def _start() -> None:
        request.environ["ecabinet.started"] = time.monotonic()

    @app.after_request
    def _line(response: Any) -> Any:
        started = request.environ.get("ecabinet.started")
        if started is not None and request.endpoint != "static":
            ms = round((time.monotonic() - started) * 1000, 1)
            ACCESS.info(
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                response.status_code,
                ms,
                extra={
                    "kind": "request",
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": ms,
                    "user": _user_id(),
                    "worker": os.getpid(),
                },
            )
        return response


def event_line(name: str, outcome: str, started: float) -> None:
    """One line per socket event: its name, `ok` or the error code, and the duration."""
    ms = round((time.monotonic() - started) * 1000, 1)
    ACCESS.info(
        "event %s %s %.1f ms",
        name,
        outcome,
        ms,
        extra={
            "kind": "event",
            "event": name,
            "outcome": outcome,
            "ms": ms,
            "user": _user_id(),
            "worker": os.getpid(),
        },
    )


def _user_id() -> int | None:
    # Only a person already loaded (never a query here: the database may be the problem).
    user = g.get("_login_user")
    return getattr(user, "__dict__", {}).get("id")
