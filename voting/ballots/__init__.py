"""Written opinion ballots: prepare, approve, answer remotely, remind, close, summarize, conclude.

Scheduling: closing at the deadline and the automatic reminders are jobs of the core's tick
(`voting.ballots.tick`, registered here); the core runs them every minute in the server process,
or from `flask --app app cabinet tick` (cron, systemd timer), and delivers the mail they queue.
"""

from __future__ import annotations

from flask import Flask

from cabinet import dates


def register(app: Flask) -> None:
    """Register the ballots pages, API, socket events, CLI command and scheduled jobs."""
    # Imported here, when the app is built: importing `voting.ballots.models` alone (migrations,
    # the records package) must not pull in the routes, the CLI and the socket handlers.
    from voting.ballots import api, cli, views  # noqa: F401  (cli: its command)
    from voting.ballots.sockets import register_sockets
    from voting.ballots.tick import register_jobs

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_sockets()
    register_jobs()
    # The core registers these date filters (Decree 30 forms); until it does, so do we, without
    # replacing the core's. TODO: remove once the core's registration is merged.
    app.jinja_env.filters.setdefault("vn_datetime", dates.vn_datetime)
    app.jinja_env.filters.setdefault("vn_date", dates.decree30_date)
