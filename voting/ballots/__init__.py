"""Written opinion ballots: prepare, approve, answer remotely, remind, close, summarize, conclude.

Scheduling: deadlines, reminders and outgoing mail are handled by one idempotent "tick"
(`voting.ballots.notify.run_tick`). The server process runs it every minute in a background task
(and delivers queued mail as soon as a commit queued some); set ECABINET_TICK_IN_PROCESS=false
to run `flask --app app cabinet tick` from cron or a systemd timer instead. Both may run at once.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

log = logging.getLogger(__name__)

TICK_SECONDS = 60


def register(app: Flask) -> None:
    """Register the ballots pages, API, socket events, CLI command and the in-process tick."""
    from voting.ballots import api, cli, models, sockets, views  # noqa: F401
    from voting.ballots.notify import vn_date, vn_datetime

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.add_template_filter(vn_datetime, "vn_datetime")
    app.add_template_filter(vn_date, "vn_date")
    _start_ticker_on_first_request(app)


def _start_ticker_on_first_request(app: Flask) -> None:
    # Started lazily by the first request, so CLI commands and test apps never spawn it.
    started = threading.Lock()
    state = {"running": False}

    @app.before_request
    def _ensure_ticker() -> None:
        from cabinet.config import settings

        if state["running"] or app.testing or not settings().tick_in_process:
            return
        with started:
            if state["running"]:
                return
            state["running"] = True
        from cabinet.extensions import socketio

        socketio.start_background_task(_tick_forever, app)


def _tick_forever(app: Flask) -> None:
    """Tick each minute; deliver mail at once when a commit queued some (woken by the outbox)."""
    from cabinet.db import db
    from cabinet.mail import deliver_outbox, outbox_ready
    from voting.ballots.notify import run_tick

    next_tick = 0.0
    while True:
        woke_for_mail = False
        wait = next_tick - time.monotonic()
        if wait > 0:
            woke_for_mail = outbox_ready.wait(timeout=wait)
            outbox_ready.clear()
        with app.app_context():
            try:
                if woke_for_mail:
                    deliver_outbox()
                else:
                    run_tick()
                    next_tick = time.monotonic() + TICK_SECONDS
            except Exception:
                log.exception("ballot tick failed; retrying next minute")
                db.session.rollback()
                next_tick = time.monotonic() + TICK_SECONDS
            finally:
                db.session.remove()
