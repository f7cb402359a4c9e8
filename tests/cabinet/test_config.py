"""Settings: safe defaults, and a bad value stops start-up with one line naming the variable."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import pytest

from cabinet.config import ConfigError, Settings
from tests.conftest import BACKEND, PG_URL

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_follow_the_domain(tmp_path):
    s = Settings.from_env({"ECABINET_INSTANCE_PATH": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path / 'ecabinet.db'}"
    assert s.async_mode == "gevent"
    assert s.redis_url is None
    assert s.locale == "vi"
    assert s.quorum_fraction == Fraction(2, 3)
    assert (s.passing_base, s.passing_threshold) == ("all_members", "simple_majority")
    assert s.ballot_deadline_days == 5
    assert s.nonreply_policy == "no_reply"
    assert s.papers_ahead_days == 3
    assert s.reminder_offsets == (timedelta(days=2), timedelta(hours=4))
    assert s.storage_dir == tmp_path / "files"
    # signatures: PAdES B-LTA against the demo PKI's TSA, revocation hard-fail
    assert (s.pades_level, s.revocation_mode) == ("b-lta", "hard-fail")
    assert s.timestamp_url == s.pki_url + "/tsa" and s.trust_demo_ca
    assert s.retimestamp_days == 365 and s.trust_roots == ()


def test_trust_roots_must_be_certificates(tmp_path):
    not_a_cert = tmp_path / "root.pem"
    not_a_cert.write_text("-----BEGIN CERTIFICATE-----\nnonsense\n-----END CERTIFICATE-----\n")
    with pytest.raises(ConfigError, match="ECABINET_TRUST_ROOTS: must list PEM or DER"):
        Settings.from_env(
            {"ECABINET_INSTANCE_PATH": str(tmp_path), "ECABINET_TRUST_ROOTS": str(not_a_cert)}
        )


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    first = Settings.from_env({"ECABINET_INSTANCE_PATH": str(tmp_path)}).secret_key
    second = Settings.from_env({"ECABINET_INSTANCE_PATH": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    other = Settings.from_env({"ECABINET_INSTANCE_PATH": str(tmp_path / "other")}).secret_key
    assert other != first


def test_postgres_urls_use_psycopg3(tmp_path):
    s = Settings.from_env(
        {"ECABINET_INSTANCE_PATH": str(tmp_path), "ECABINET_DATABASE_URL": "postgresql://u@h/db"}
    )
    assert s.database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("ASYNC_MODE", "twisted", "must be one of gevent, eventlet, threading"),
        ("QUORUM_FRACTION", "two thirds", "must be a fraction"),
        ("QUORUM_FRACTION", "3/2", "greater than 0 and at most 1"),
        ("PASSING_BASE", "everyone", "must be one of all_members, present, votes_cast"),
        ("PASSING_THRESHOLD", "unanimous", "must be one of simple_majority, two_thirds"),
        ("NONREPLY_POLICY", "ignore", "must be one of no_reply, agree, abstain"),
        ("BALLOT_DEADLINE_DAYS", "five", "must be a whole number"),
        ("BALLOT_DEADLINE_DAYS", "0", "between 1 and 60"),
        ("UPLOAD_MAX_MB", "-3", "between 1 and 4096"),
        ("DATABASE_URL", "mysql://x/y", "must be a sqlite:/// or postgresql:// URL"),
        ("REDIS_URL", "localhost:6379", "must start with redis://"),
        ("SECRET_KEY", "short", "at least 32 characters"),
        ("TIMEZONE", "Mars/Base", "IANA time zone"),
        ("HOLIDAYS", "2026-02-30", "YYYY-MM-DD"),
        ("REMINDER_OFFSETS", "two days", "a list like 2d,4h"),
        ("SMTP_STARTTLS", "maybe", "true or false"),
        ("LOCALE", "fr", "must be one of vi, en"),
        ("PKI_URL", "ocsp.example", "must be an http(s) URL"),
        ("TIMESTAMP_URL", "tsa.example", "must start with http://"),
        ("PADES_LEVEL", "b-ltv", "must be one of b-b, b-t, b-lt, b-lta"),
        ("REVOCATION_MODE", "sometimes", "must be one of hard-fail, soft-fail, require"),
        ("TRUST_ROOTS", "/nonexistent/root.pem", "must list readable certificate files"),
        ("TRUST_DEMO_CA", "perhaps", "true or false"),
        ("RETIMESTAMP_DAYS", "0", "between 1 and 3650"),
        ("VERIFY_PER_MINUTE", "many", "must be a whole number"),
        ("DB_POOL_SIZE", "0", "between 1 and 500"),
        ("DB_POOL_OVERFLOW", "lots", "must be a whole number"),
    ],
)
def test_bad_setting_names_the_variable_and_why(tmp_path, name, value, why):
    with pytest.raises(ConfigError) as error:
        Settings.from_env({"ECABINET_INSTANCE_PATH": str(tmp_path), f"ECABINET_{name}": value})
    message = str(error.value)
    assert message.startswith(f"ECABINET_{name}: ")
    assert why in message
    if name == "SECRET_KEY":
        assert value not in message  # never echo a secret


def test_app_refuses_to_start_with_one_clear_line(tmp_path):
    env = {
        "ECABINET_INSTANCE_PATH": str(tmp_path),
        "ECABINET_QUORUM_FRACTION": "abc",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "e-Cabinet cannot start: ECABINET_QUORUM_FRACTION: must be a fraction such as 2/3 (got 'abc')"
    ]


def test_a_worker_opens_at_most_its_pool_of_database_connections(tmp_path):
    """ECABINET_DB_POOL_SIZE + _OVERFLOW bound one worker's PostgreSQL connections: a burst
    wider than the pool waits for a free connection (a 2,000-tablet run with 4 workers of the
    old 30 each overran the server's max_connections, and joins were refused)."""
    import threading

    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from cabinet.db import make_engine

    settings = Settings.from_env(
        {
            "ECABINET_INSTANCE_PATH": str(tmp_path),
            "ECABINET_DB_POOL_SIZE": "2",
            "ECABINET_DB_POOL_OVERFLOW": "1",
        }
    )
    if BACKEND != "postgres":
        pytest.skip("PostgreSQL only: SQLite has no server connections to bound")
    url = make_url(PG_URL).set(drivername="postgresql+psycopg")
    engine = make_engine(
        url.render_as_string(False), (settings.db_pool_size, settings.db_pool_overflow)
    )
    engine.pool._timeout = 0.5  # noqa: SLF001  (fail fast instead of waiting 30 s)
    held = [engine.connect() for _ in range(3)]
    try:
        with pytest.raises(PoolTimeout):  # a fourth waits: it never reaches the server
            engine.connect()
        freed = threading.Timer(0.1, held.pop().close)
        freed.start()
        engine.pool._timeout = 5  # noqa: SLF001
        with engine.connect() as conn:  # ...and gets the connection given back
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        for conn in held:
            conn.close()
        engine.dispose()
