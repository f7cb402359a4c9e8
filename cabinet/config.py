"""Configuration from environment variables, checked once at start-up.

Every setting is an `ECABINET_*` variable with a safe default (see the README table). A bad value
raises `ConfigError` naming the variable and why; `app.py` turns that into one line and exit 2.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography import x509
from flask import current_app

ROOT = Path(__file__).resolve().parent.parent
ASYNC_MODES = ("gevent", "eventlet", "threading")
PASSING_BASES = ("all_members", "present", "votes_cast")
PASSING_THRESHOLDS = ("simple_majority", "two_thirds")
SIGNING_ORDERS = ("decree30", "secretary_first")
NONREPLY_POLICIES = ("no_reply", "agree", "abstain")
LOCALES = ("vi", "en")
#: PAdES baseline levels a record's signatures reach (b-t and above need a TSA).
PADES_LEVELS = ("b-b", "b-t", "b-lt", "b-lta")
#: How signatures' certificates are checked for revocation (see cabinet.pki.trust).
REVOCATION_MODES = ("hard-fail", "soft-fail", "require")


class ConfigError(Exception):
    """A setting that cannot be used; the message names the variable and the reason."""


@dataclass(frozen=True)
class Settings:
    """The running application's settings (one frozen object, read with `settings()`)."""

    instance_path: Path
    database_url: str = field(repr=False)  # URLs may carry passwords: never in a repr
    redis_url: str | None = field(repr=False)
    async_mode: str
    secret_key: str = field(repr=False)
    upload_max_bytes: int
    locale: str
    quorum_fraction: Fraction
    passing_base: str
    passing_threshold: str
    ballot_deadline_days: int
    nonreply_policy: str
    papers_ahead_days: int
    holidays: frozenset[date]
    timezone: str
    reminder_offsets: tuple[timedelta, ...]
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None = field(repr=False)
    smtp_starttls: bool
    mail_from: str
    public_url: str
    timestamp_url: str | None = field(repr=False)
    #: where the demo PKI service answers (OCSP, CRLs, TSA) and what demo certificates name
    pki_url: str
    pades_level: str
    revocation_mode: str
    #: extra trust-root certificate files (PEM/DER) besides keys_dir/trust
    trust_roots: tuple[Path, ...]
    trust_demo_ca: bool
    retimestamp_days: int
    verify_per_minute: int
    x_accel_redirect: bool
    secure_cookies: bool
    proxy_hops: int
    login_max_failures: int
    login_ip_max_failures: int
    login_lock_minutes: int
    login_slowdown_seconds: float
    tick_in_process: bool
    #: Who signs a decision record first: "decree30" (the chair, then the clerk's organisation
    #: signature) or "secretary_first" (a ministry's own regulation). Minutes are always
    #: secretary then chair.
    decision_signing_order: str = "decree30"
    pdf_max_pages: int = 5000
    #: seconds between two revision heartbeats of a worker (0: none)
    heartbeat_seconds: float = 5.0
    #: "text" (timestamped lines) or "json" (one JSON object a line)
    log_format: str = "text"
    #: the longest a worker drains in-flight work after SIGTERM
    drain_seconds: float = 10.0
    #: PostgreSQL connections each worker keeps, and how many more it may open in a burst:
    #: workers × (size + overflow) must stay under the server's `max_connections`
    db_pool_size: int = 10
    db_pool_overflow: int = 10
    storage_dir: Path = field(init=False)
    keys_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "storage_dir", self.instance_path / "files")
        object.__setattr__(self, "keys_dir", self.instance_path / "keys")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check every `ECABINET_*` variable; raise ConfigError on the first bad one."""
        env = _Env(os.environ if environ is None else environ)
        instance = Path(env.text("INSTANCE_PATH", str(ROOT / "instance"))).resolve()
        pki_url = env.url("PKI_URL", "http://127.0.0.1:5081").rstrip("/")
        pades_level = env.choice("PADES_LEVEL", PADES_LEVELS, "b-lta")
        return cls(
            instance_path=instance,
            database_url=env.database_url(instance),
            redis_url=env.optional_url("REDIS_URL", ("redis://", "rediss://")),
            async_mode=env.choice("ASYNC_MODE", ASYNC_MODES, "gevent"),
            secret_key=env.secret_key(instance),
            upload_max_bytes=env.integer("UPLOAD_MAX_MB", 200, minimum=1, maximum=4096)
            * 1024
            * 1024,
            locale=env.choice("LOCALE", LOCALES, "vi"),
            quorum_fraction=env.fraction("QUORUM_FRACTION", "2/3"),
            passing_base=env.choice("PASSING_BASE", PASSING_BASES, "all_members"),
            passing_threshold=env.choice(
                "PASSING_THRESHOLD", PASSING_THRESHOLDS, "simple_majority"
            ),
            ballot_deadline_days=env.integer("BALLOT_DEADLINE_DAYS", 5, minimum=1, maximum=60),
            nonreply_policy=env.choice("NONREPLY_POLICY", NONREPLY_POLICIES, "no_reply"),
            papers_ahead_days=env.integer("PAPERS_AHEAD_DAYS", 3, minimum=0, maximum=60),
            holidays=env.dates("HOLIDAYS"),
            timezone=env.zone("TIMEZONE", "Asia/Ho_Chi_Minh"),
            reminder_offsets=env.durations("REMINDER_OFFSETS", "2d,4h"),
            smtp_host=env.text("SMTP_HOST", "") or None,
            smtp_port=env.integer("SMTP_PORT", 25, minimum=1, maximum=65535),
            smtp_user=env.text("SMTP_USER", "") or None,
            smtp_password=env.text("SMTP_PASSWORD", "") or None,
            smtp_starttls=env.boolean("SMTP_STARTTLS", False),
            mail_from=env.email("MAIL_FROM", "ecabinet@localhost"),
            # Mails link to the port the server really listens on unless told otherwise.
            public_url=env.url(
                "PUBLIC_URL",
                f"http://127.0.0.1:{env.integer('PORT', 5000, minimum=1, maximum=65535)}",
            ).rstrip("/"),
            timestamp_url=env.optional_url("TIMESTAMP_URL", ("http://", "https://"))
            or (None if pades_level == "b-b" else f"{pki_url}/tsa"),
            pki_url=pki_url,
            pades_level=pades_level,
            revocation_mode=env.choice("REVOCATION_MODE", REVOCATION_MODES, "hard-fail"),
            trust_roots=env.certificate_files("TRUST_ROOTS"),
            trust_demo_ca=env.boolean("TRUST_DEMO_CA", True),
            retimestamp_days=env.integer("RETIMESTAMP_DAYS", 365, minimum=1, maximum=3650),
            verify_per_minute=env.integer("VERIFY_PER_MINUTE", 10, minimum=1, maximum=10000),
            x_accel_redirect=env.boolean("X_ACCEL_REDIRECT", False),
            secure_cookies=env.boolean("SECURE_COOKIES", False),
            proxy_hops=env.integer("PROXY_HOPS", 0, minimum=0, maximum=5),
            login_max_failures=env.integer("LOGIN_MAX_FAILURES", 5, minimum=1, maximum=100),
            login_ip_max_failures=env.integer("LOGIN_IP_MAX_FAILURES", 20, minimum=1, maximum=1000),
            login_lock_minutes=env.integer("LOGIN_LOCK_MINUTES", 15, minimum=1, maximum=1440),
            login_slowdown_seconds=env.number("LOGIN_SLOWDOWN_SECONDS", 1.0, minimum=0, maximum=10),
            tick_in_process=env.boolean("TICK_IN_PROCESS", True),
            decision_signing_order=env.choice("DECISION_SIGNING_ORDER", SIGNING_ORDERS, "decree30"),
            pdf_max_pages=env.integer("PDF_MAX_PAGES", 5000, minimum=1, maximum=100_000),
            heartbeat_seconds=env.number("HEARTBEAT_SECONDS", 5.0, minimum=0, maximum=300),
            log_format=env.choice("LOG_FORMAT", ("text", "json"), "text"),
            drain_seconds=env.number("DRAIN_SECONDS", 10.0, minimum=0, maximum=600),
            db_pool_size=env.integer("DB_POOL_SIZE", 10, minimum=1, maximum=500),
            db_pool_overflow=env.integer("DB_POOL_OVERFLOW", 10, minimum=0, maximum=500),
        )

    def describe(self) -> dict[str, str]:
        """Non-secret settings for `cabinet config` and the admin page (passwords in URLs masked)."""
        hidden = {"secret_key", "smtp_password"}
        return {
            f.name: mask_secrets(str(getattr(self, f.name)))
            for f in fields(self)
            if f.name not in hidden
        }


def mask_secrets(text: str) -> str:
    """`text` with the password of any `scheme://user:password@host` URL in it replaced by ***."""
    return _URL_PASSWORD.sub(r"\1***@", text)


# scheme://[user]:password@ — the password part ends at the last "@" before the host.
_URL_PASSWORD = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:)[^\s/]*@")


def settings() -> Settings:
    """The settings of the running application."""
    return current_app.extensions["ecabinet.settings"]


class _Env:
    """Typed readers over an environment mapping; each raises ConfigError naming the variable."""

    prefix = "ECABINET_"

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def raw(self, name: str) -> str | None:
        value = self.environ.get(self.prefix + name)
        return value.strip() if value is not None and value.strip() != "" else None

    def fail(self, name: str, why: str, value: Any) -> ConfigError:
        return ConfigError(f"{self.prefix}{name}: {why} (got {value!r})")

    def text(self, name: str, default: str) -> str:
        return self.raw(name) or default

    def choice(self, name: str, options: tuple[str, ...], default: str) -> str:
        value = (self.raw(name) or default).lower()
        if value not in options:
            raise self.fail(name, "must be one of " + ", ".join(options), value)
        return value

    def integer(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise self.fail(name, "must be a whole number", value) from None
        if not minimum <= number <= maximum:
            raise self.fail(name, f"must be between {minimum} and {maximum}", value)
        return number

    def number(self, name: str, default: float, *, minimum: float, maximum: float) -> float:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            raise self.fail(name, "must be a number", value) from None
        if not minimum <= number <= maximum:
            raise self.fail(name, f"must be between {minimum} and {maximum}", value)
        return number

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise self.fail(name, "must be true or false", value)

    def fraction(self, name: str, default: str) -> Fraction:
        value = self.raw(name) or default
        try:
            result = Fraction(value)
        except (ValueError, ZeroDivisionError):
            raise self.fail(name, "must be a fraction such as 2/3", value) from None
        if not 0 < result <= 1:
            raise self.fail(name, "must be greater than 0 and at most 1", value)
        return result

    def url(self, name: str, default: str) -> str:
        value = self.raw(name) or default
        if not re.match(r"^https?://[^\s/]+", value):
            raise self.fail(name, "must be an http(s) URL", value)
        return value

    def optional_url(self, name: str, schemes: tuple[str, ...]) -> str | None:
        value = self.raw(name)
        if value is not None and not value.startswith(schemes):
            raise self.fail(name, "must start with " + " or ".join(schemes), value)
        return value

    def email(self, name: str, default: str) -> str:
        value = self.raw(name) or default
        if not re.match(r"^[^@\s]+@[^@\s]+$", value) and not re.match(
            r"^.+<[^@\s]+@[^@\s]+>$", value
        ):
            raise self.fail(name, "must be an e-mail address", value)
        return value

    def zone(self, name: str, default: str) -> str:
        value = self.raw(name) or default
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(
                name, "must be an IANA time zone such as Asia/Ho_Chi_Minh", value
            ) from None
        return value

    def dates(self, name: str) -> frozenset[date]:
        value = self.raw(name)
        if value is None:
            return frozenset()
        result = set()
        for part in value.replace(";", ",").split(","):
            if not part.strip():
                continue
            try:
                result.add(date.fromisoformat(part.strip()))
            except ValueError:
                raise self.fail(
                    name, "must be a comma-separated list of YYYY-MM-DD dates", part
                ) from None
        return frozenset(result)

    def durations(self, name: str, default: str) -> tuple[timedelta, ...]:
        value = self.raw(name) or default
        units = {"d": "days", "h": "hours", "m": "minutes"}
        result = []
        for part in value.split(","):
            match = re.fullmatch(r"\s*(\d+)\s*([dhm])\s*", part)
            if not match or int(match.group(1)) == 0:
                raise self.fail(name, "must be a list like 2d,4h,30m", value)
            result.append(timedelta(**{units[match.group(2)]: int(match.group(1))}))
        return tuple(sorted(result, reverse=True))

    def certificate_files(self, name: str) -> tuple[Path, ...]:
        value = self.raw(name)
        if value is None:
            return ()
        paths = []
        for part in value.split(","):
            path = Path(part.strip()).expanduser()
            try:
                data = path.read_bytes()
            except OSError:
                raise self.fail(name, "must list readable certificate files", part) from None
            try:
                if b"-----BEGIN" in data:
                    x509.load_pem_x509_certificates(data)
                else:
                    x509.load_der_x509_certificate(data)
            except ValueError:
                raise self.fail(name, "must list PEM or DER certificates", part) from None
            paths.append(path)
        return tuple(paths)

    def database_url(self, instance: Path) -> str:
        value = self.raw("DATABASE_URL")
        if value is None:
            return f"sqlite:///{instance / 'ecabinet.db'}"
        if value.startswith("postgres://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgres://")
        elif value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        if not value.startswith(("sqlite://", "postgresql+psycopg://")):
            raise self.fail("DATABASE_URL", "must be a sqlite:/// or postgresql:// URL", value)
        return value

    def secret_key(self, instance: Path) -> str:
        value = self.raw("SECRET_KEY")
        if value is not None:
            if len(value) < 32:
                raise self.fail("SECRET_KEY", "must be at least 32 characters", "<hidden>")
            return value
        # Generated once into the instance folder so restarts keep sessions valid; never a constant.
        path = instance / "secret_key"
        if path.exists():
            return path.read_text().strip()
        instance.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key
