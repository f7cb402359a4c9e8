"""Electronic votes in session: open, cast over the socket, close with the rules, announce."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register the votes API, socket events and the coalescing progress flusher."""
    # Imported here, when the app is built: importing `voting.polls.models` alone (migrations,
    # the records package) must not pull in the routes and socket handlers.
    from cabinet import log_redaction
    from cabinet.backup import register_exclusion
    from voting.polls import api, cli, models  # noqa: F401  (tables for create_all; cli: command)
    from voting.polls.crypto import custody_key_path
    from voting.polls.parts import register_parts
    from voting.polls.progress import progress_flusher
    from voting.polls.sockets import register_sockets

    app.register_blueprint(api.bp)
    register_sockets()
    progress_flusher.init_app(app)
    register_parts()
    log_redaction.install()
    # The custody key must never be in a backup (docs/secret-votes.md), wherever it is kept.
    register_exclusion(app, custody_key_path)
