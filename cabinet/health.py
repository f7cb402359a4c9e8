"""Readiness checks: the database answers, Redis answers (when configured), the disk has room."""

from __future__ import annotations

import shutil
import time
from typing import Any

import redis
from sqlalchemy import text

from cabinet import outage
from cabinet.config import settings
from cabinet.db import db

#: Below this much free space in the instance folder, the worker is not ready (uploads, PDFs).
MIN_FREE_BYTES = 200 * 1024 * 1024
_TIMEOUT = 1.0


def readiness() -> dict[str, dict[str, Any]]:
    """Each check: `ok`, its duration in ms, and a reason when it fails (no secrets)."""
    config = settings()
    checks = {"database": _timed(_database)}
    if config.redis_url:
        checks["redis"] = _timed(lambda: _redis(config.redis_url))
    checks["disk"] = _timed(lambda: _disk(config.instance_path))
    return checks


def _timed(check: Any) -> dict[str, Any]:
    started = time.monotonic()
    try:
        result = {"ok": True, **(check() or {})}
    except Exception as error:
        result = {"ok": False, "reason": type(error).__name__}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def _database() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        outage.forget_session()
        raise


def _redis(url: str) -> None:
    client = redis.Redis.from_url(url, socket_timeout=_TIMEOUT, socket_connect_timeout=_TIMEOUT)
    try:
        client.ping()
    finally:
        client.close()


def _disk(path: Any) -> dict[str, Any]:
    free = shutil.disk_usage(path).free
    if free < MIN_FREE_BYTES:
        raise OSError("low disk space")
    return {"free_mb": free // (1024 * 1024)}
