"""The Alembic migrations build, from an empty database, exactly the schema the models describe."""

from __future__ import annotations

import uuid

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cabinet.db import Base
from cabinet.migrations import alembic_config
from tests.conftest import BACKEND, PG_URL


def _fresh_database(tmp_path):
    if BACKEND != "postgres":
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
        return url, lambda: None
    name = f"ecabinet_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        make_url(PG_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = (
        make_url(PG_URL)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def test_migrations_from_empty_match_the_models(app, tmp_path):
    url, drop = _fresh_database(tmp_path)
    try:
        config = alembic_config(app)
        config.set_main_option("sqlalchemy.url", url)
        command.upgrade(config, "heads")
        engine = create_engine(url)
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        engine.dispose()
        assert diff == [], (
            f"models and migrations differ (run alembic revision --autogenerate): {diff}"
        )
        command.downgrade(config, "base")
    finally:
        drop()
