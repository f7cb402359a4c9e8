"""The room screen: a read-only big-screen view of one meeting, opened with a display token."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register the room screen page, the token pages and the display socket."""
    from voting.display import models, sockets, views  # noqa: F401  (models: tables)

    app.register_blueprint(views.bp)
    sockets.register_display(app)
