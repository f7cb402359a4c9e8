"""Prepared motions: draft decision points attached to agenda items, amended during the session."""


def register(app):
    """Register the motions API and the item page's motion forms."""
    # Imported here: the models are imported by `voting` (a vote points at its motion) without
    # pulling in the routes.
    from meetings.motions import api, models, views  # noqa: F401  (models: tables for create_all)
    from meetings.motions.services import motion_rows

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
    # The item page lists the item's motions (templates/meetings/_motions.html).
    app.jinja_env.globals["item_motions"] = motion_rows
