"""Alembic environment: the models' metadata, batch mode so SQLite can alter tables."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from cabinet.db import Base

config = context.config
app = config.attributes.get("app")
if app is None:  # plain `alembic` command line: build the app from the environment
    from cabinet import create_app

    app = create_app()
    config.set_main_option(
        "sqlalchemy.url", app.extensions["ecabinet.settings"].database_url.replace("%", "%%")
    )

target_metadata = Base.metadata
# Autogenerate for some tables only: ECABINET_MIGRATE_TABLES=users,user_roles,...
_only = {t for t in __import__("os").environ.get("ECABINET_MIGRATE_TABLES", "").split(",") if t}


def render_item(type_, obj, autogen_context):
    """Render the app's UTCDateTime as a plain timezone-aware DateTime in migration scripts."""
    from cabinet.db import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_object(obj, name, type_, reflected, compare_to):
    if _only and type_ == "table":
        return name in _only
    if _only and hasattr(obj, "table"):
        return obj.table.name in _only
    return True


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection") or engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    if hasattr(connectable, "connect"):
        with connectable.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
