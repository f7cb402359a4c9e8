"""The paper reader: PDF.js reading, private notes, offline reading and the board pack."""


def register(app):
    """Register the reader's HTML and API blueprints (models are imported for create_all)."""
    # Imported here, not at the top: the loaders import `meetings.reader.models`, which runs
    # this __init__ first; the pages load only when the app is built.
    from cabinet.realtime import register_snapshot_part
    from meetings.reader import models  # noqa: F401
    from meetings.reader.api import bp as api_bp
    from meetings.reader.presenting import presenting_part
    from meetings.reader.sockets import register_sockets
    from meetings.reader.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    register_sockets()
    # A tablet that (re)joins finds the presented paper and page in its snapshot.
    register_snapshot_part("presenting", presenting_part)
    # The pages the offline manifest lists may be kept by the tablet (the core's default is
    # no-store); classified papers still answer no-store from their own view.
    app.extensions.setdefault("ecabinet.offline_pages", set()).update(
        {"meetings.my_meetings", "meetings.detail", "meetings.item"}
    )
