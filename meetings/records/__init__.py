"""Feature package; `register(app)` wires its blueprints, sockets and commands."""


def register(app):
    """Register this feature with the application (filled in by its feature)."""
