"""Finding 10 (hardening): masked secrets, private instance files, HSTS, no-store, a tight CSP."""

from __future__ import annotations

import dataclasses
import stat

from cabinet import create_app
from tests.conftest import test_environ as environ_for


def _app(tmp_path, **env):
    application = create_app(environ_for(tmp_path, **env))
    application.config.update(TESTING=True)
    return application


def test_cabinet_config_masks_the_redis_and_database_passwords(app, monkeypatch):
    # The settings of an app with secrets in its URLs (an app built with a Redis URL would put
    # the shared Socket.IO server on the queue, which the socket test clients cannot use).
    leaky = dataclasses.replace(
        app.extensions["ecabinet.settings"],
        redis_url="redis://:s3cret-redis@127.0.0.1:6379/0",
        database_url="postgresql+psycopg://cabinet:s3cret-db@127.0.0.1:5432/x",
        timestamp_url="https://tsa:s3cret-tsa@tsa.example/",
    )
    monkeypatch.setitem(app.extensions, "ecabinet.settings", leaky)
    result = app.test_cli_runner().invoke(args=["cabinet", "config"])
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    assert "s3cret" not in repr(leaky)  # nor in a traceback or log line showing the settings
    assert "redis://:***@127.0.0.1:6379/0" in result.output


def test_instance_folder_and_sqlite_files_are_private(tmp_path):
    # Not a second app: building one would rebind the shared Socket.IO server (browser tests).
    from sqlalchemy import text

    from cabinet.config import Settings
    from cabinet.db import make_engine
    from cabinet.factory import _private_instance

    instance = tmp_path / "inst"
    _private_instance(
        Settings.from_env(environ_for(tmp_path, ECABINET_INSTANCE_PATH=str(instance)))
    )
    engine = make_engine(f"sqlite:///{instance / 'ecabinet.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE probe (id INTEGER)"))
        conn.execute(text("INSERT INTO probe VALUES (1)"))
    engine.dispose()
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    files = [p for p in instance.iterdir() if p.name.startswith("ecabinet.db")]
    assert any(p.name.endswith("-wal") for p in files) or files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, (path, oct(path.stat().st_mode))


def test_pages_and_api_answers_are_not_cached_and_csp_connects_only_to_self(client):
    for path in ("/sign-in", "/api/v1/me"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        csp = response.headers["Content-Security-Policy"]
        connect = next(p for p in csp.split(";") if p.strip().startswith("connect-src"))
        assert connect.split() == ["connect-src", "'self'"], connect
        assert "Strict-Transport-Security" not in response.headers  # secure cookies off


def test_static_files_stay_cacheable(client):
    response = client.get("/static/css/app.css")
    assert response.headers.get("Cache-Control") != "no-store"
    response.close()


def test_hsts_when_secure_cookies_are_on(app, client, monkeypatch):
    secure = dataclasses.replace(app.extensions["ecabinet.settings"], secure_cookies=True)
    monkeypatch.setitem(app.extensions, "ecabinet.settings", secure)
    response = client.get("/sign-in")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
