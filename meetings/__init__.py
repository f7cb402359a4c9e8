"""Meetings, agendas and papers: the secretariat prepares, members' tablets follow live."""


def register(app):
    """Register the pages, the JSON API and the socket handlers of meetings."""
    from meetings import api, views
    from meetings.sockets import register_sockets

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_sockets()
