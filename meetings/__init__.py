"""Meetings, agendas and papers: the secretariat prepares, members' tablets follow live."""


def register(app):
    """Register the pages, the JSON API and the socket handlers of meetings."""
    # Imported here, not at the top: every `import meetings.<module>` runs this __init__ first
    # (voting.rules imports the pure meetings.quorum); pages load only when the app is built.
    from meetings import api, calendar, views
    from meetings.sockets import register_sockets

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(calendar.bp)
    register_sockets()
