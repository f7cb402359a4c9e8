"""The scheduler: one idempotent "tick" made of jobs that the feature packages register.

The core runs each job in its own unit of work (one commit per job; a job's failure is logged
and rolled back, the others still run). `flask --app app cabinet tick` runs the jobs once (cron,
systemd timer); with `ECABINET_TICK_IN_PROCESS` the server process runs them every minute in a
background task and delivers mail as soon as a commit queued some. Jobs must be idempotent:
two runners at once, or a run after a restart, must do nothing twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlalchemy.exc import IntegrityError

from cabinet import outage
from cabinet.config import settings
from cabinet.db import db, run_unit_of_work, utcnow
from cabinet.extensions import socketio

log = logging.getLogger(__name__)

TICK_SECONDS = 60
#: A job's report when it raised (logged with its traceback; it runs again next tick).
FAILED = "failed"
#: A job's report when its commit hit a unique constraint: another runner did the same work.
TAKEN = "done by another runner"

#: A job: given the tick's moment, do what is due; return a short report ("2 reminder(s)").
Job = Callable[[datetime], str | None]


@dataclass(frozen=True)
class _Registered:
    name: str
    fn: Job
    order: int


_jobs: dict[str, _Registered] = {}


def register_job(name: str, fn: Job, *, order: int = 50) -> None:
    """Add `fn` to every tick under `name` (lower `order` runs first; mail delivery runs last)."""
    _jobs[name] = _Registered(name, fn, order)


def jobs() -> list[str]:
    """The registered job names, in running order."""
    return [job.name for job in sorted(_jobs.values(), key=lambda j: (j.order, j.name))]


def run_tick(now: datetime | None = None) -> dict[str, str]:
    """Run every job once, each in its own transaction; return each job's report."""
    now = now or utcnow()
    reports: dict[str, str] = {}
    for name in jobs():
        job = _jobs[name]
        try:
            reports[name] = run_unit_of_work(lambda job=job: job.fn(now)) or ""
        except IntegrityError:
            # Another runner committed the same rows first: it does this job's work.
            reports[name] = TAKEN
            log.info("tick: %s was handled by another runner", name)
        except Exception as error:
            reports[name] = FAILED
            outage.log_failure(log, f"tick job {name} failed; it runs again next tick", error)
    return reports


def start_in_process(app: Flask, wake: threading.Event) -> None:
    """Run the tick every minute in a background task, started by the first request.

    Started lazily, so CLI commands and test apps never spawn it. `wake` is set when a commit
    queued mail: the jobs then run at once (mail goes out without waiting for the minute).
    """
    started = threading.Lock()
    state = {"running": False}

    @app.before_request
    def _ensure_ticker() -> None:
        if state["running"] or app.testing or not settings().tick_in_process:
            return
        with started:
            if state["running"]:
                return
            state["running"] = True
        socketio.start_background_task(_tick_forever, app, wake)


def _tick_forever(app: Flask, wake: threading.Event) -> None:
    next_tick = 0.0
    while True:
        wait = next_tick - time.monotonic()
        if wait > 0:
            wake.wait(timeout=wait)
            wake.clear()
        with app.app_context():
            try:
                run_tick()
            except Exception as error:  # the loop outlives a bad minute (database restarting)
                outage.log_failure(log, "tick failed; it runs again next minute", error)
            finally:
                db.session.remove()
        if time.monotonic() >= next_tick:
            next_tick = time.monotonic() + TICK_SECONDS
