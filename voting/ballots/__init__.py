"""Written opinion ballots: prepare, approve, answer remotely, remind, close, summarize, conclude.

Scheduling: closing at the deadline and the automatic reminders are jobs of the core's tick
(`voting.ballots.tick`, registered here); the core runs them every minute in the server process,
or from `flask --app app cabinet tick` (cron, systemd timer), and delivers the mail they queue.
"""

from __future__ import annotations

from flask import Flask


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
