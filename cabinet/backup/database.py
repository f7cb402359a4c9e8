"""Dump and load the database: `pg_dump`/`pg_restore` (custom format) for PostgreSQL, SQLite's
online backup API for SQLite (a consistent copy while the app keeps writing).

The password of a PostgreSQL URL goes to the tools through `PGPASSWORD`, never their argv
(which any local user can read in `ps`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from cabinet.backup.crypto import BackupError
from cabinet.db import db

PG_FORMAT = "pg_dump-custom"
SQLITE_FORMAT = "sqlite"


def dialect(database_url: str) -> str:
    return make_url(database_url).get_backend_name()


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL (None for another engine)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database).resolve()


def _pg(database_url: str) -> tuple[str, dict[str, str]]:
    url: URL = make_url(database_url).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-2000:]}")


def dump(database_url: str, target: Path) -> str:
    """Write a consistent copy of the database to `target`; return its format name."""
    path = sqlite_path(database_url)
    if path is not None:
        if not path.exists():
            raise BackupError(f"the SQLite database {path} does not exist")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return SQLITE_FORMAT
    conninfo, env = _pg(database_url)
    args = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    _run([*args, "--file", str(target), "--dbname", conninfo], env)
    return PG_FORMAT


def table_names() -> list[str]:
    """The tables the app's database holds now (an empty list: a fresh database)."""
    path = sqlite_path(str(db.engine.url))
    if path is not None and not path.exists():
        return []  # connecting would create it (or fail, its folder being gone too)
    db.session.remove()
    with db.engine.connect() as conn:
        return inspect(conn).get_table_names()


def load(database_url: str, source: Path, fmt: str, *, replace: bool) -> None:
    """Load a dump made by `dump` into the app's database (emptied first when `replace`)."""
    expected = SQLITE_FORMAT if dialect(database_url) == "sqlite" else PG_FORMAT
    if fmt != expected:
        raise BackupError(
            f"this backup holds a {fmt} dump; the configured database needs {expected}"
        )
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the old tables
    path = sqlite_path(database_url)
    if path is not None:
        _load_sqlite(source, path)
    else:
        conninfo, env = _pg(database_url)
        args = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
        if replace:
            args += ["--clean", "--if-exists"]
        _run([*args, "--single-transaction", "--dbname", conninfo, str(source)], env)
    db.engine.dispose()


def _load_sqlite(source: Path, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    live = sqlite3.connect(path)
    try:
        backup.backup(live)  # replaces every page of the live database, in one step
    finally:
        live.close()
        backup.close()
    path.chmod(0o600)


def schema_revision() -> str | None:
    """The Alembic revision the database is at (None: not managed by migrations)."""
    db.session.remove()
    with db.engine.connect() as conn:
        if "alembic_version" not in inspect(conn).get_table_names():
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
