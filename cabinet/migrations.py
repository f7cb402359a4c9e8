"""Alembic configuration for the app's database (the migration scripts live in `migrations/`)."""

from __future__ import annotations

from alembic.config import Config
from flask import Flask

from cabinet.config import ROOT


def alembic_config(app: Flask) -> Config:
    """An Alembic Config pointing at this app's database."""
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option(
        "sqlalchemy.url", app.extensions["ecabinet.settings"].database_url.replace("%", "%%")
    )
    config.attributes["app"] = app
    return config
