"""Records: minutes and decision records drafted from the session, PDF/A, signed, verifiable."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register the records pages, API, sockets, CLI commands, hooks and the snapshot part."""
    # Imported here, not at the top: importing `records.models` alone (migrations, tests, the
    # demo) must not pull in the web layer, pyHanko and WeasyPrint.
    from cabinet.backup import register_restore_check
    from cabinet.realtime import register_snapshot_part
    from records import api, models, views  # noqa: F401  (models: tables)
    from records.archival import register_jobs
    from records.cli import register_cli
    from records.parts import register_parts
    from records.restore_check import verify_signed_records
    from records.sockets import records_part, register_sockets

    app.register_blueprint(views.bp)
    app.register_blueprint(views.verify_bp)
    app.register_blueprint(api.bp)
    register_sockets()
    register_snapshot_part("records", records_part)
    register_cli(app)
    register_parts()
    register_jobs()
    register_restore_check(app, "signed records", verify_signed_records)
