"""The paper reader: PDF.js reading, private notes, offline reading and the board pack."""


def register(app):
    """Register the reader's HTML and API blueprints (models are imported for create_all)."""
    from meetings.reader import models  # noqa: F401
    from meetings.reader.api import bp as api_bp
    from meetings.reader.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
