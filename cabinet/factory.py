"""The application factory: settings, extensions, the core's parts, then each feature package."""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

from cabinet import api, cli, i18n, logs, mail, realtime, tick, views
from cabinet import eviction as _eviction  # noqa: F401  (registers its connect hook)
from cabinet.audit import models as _audit_models  # noqa: F401  (tables for create_all)
from cabinet.auth import models as _auth_models  # noqa: F401
from cabinet.auth import views as auth_views
from cabinet.auth.sessions import SESSION_KEY, signed_in
from cabinet.auth.socket_identity import cached_person, remember_person
from cabinet.config import ROOT, Settings, settings
from cabinet.db import db
from cabinet.error_handlers import register_error_handlers
from cabinet.extensions import babel, csrf, login_manager, socketio
from cabinet.jobs import register_core_jobs
from cabinet.mq import QueueManager
from cabinet.request_guard import install_request_guard
from cabinet.templating import register_template_helpers
from cabinet.users import views as user_views
from cabinet.users.models import User

# Feature packages, in registration order; each has `register(app)` in its __init__. Names, not
# imports: the core never imports a feature (the layers contract), it only loads them by name.
FEATURES = (
    "meetings",
    "meetings.reader",
    "meetings.live",
    "meetings.motions",
    "voting.polls",
    "voting.ballots",
    "voting.display",
    "records",
    "demo",  # last: its seed hook runs after the features' hooks
)


class CabinetApp(Flask):
    """Flask, with socket events pushed without routing (`cabinet.realtime.EventContext`) and
    their URL adapter bound only when one builds a URL (`cabinet.realtime.LazyUrlAdapter`)."""

    def request_context(self, environ: dict[str, Any]) -> realtime.EventContext:
        return realtime.EventContext(self, environ)

    def create_url_adapter(self, request: Any) -> Any:
        if request is not None and realtime.is_socket_request(request.environ):
            return realtime.LazyUrlAdapter(functools.partial(super().create_url_adapter, request))
        return super().create_url_adapter(request)


def create_app(environ: Mapping[str, str] | None = None) -> Flask:
    """Build the application from `environ` (default: the process environment)."""
    config = Settings.from_env(environ)
    _private_instance(config)
    app = CabinetApp(
        "cabinet",
        root_path=str(ROOT),
        instance_path=str(config.instance_path),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(
        SECRET_KEY=config.secret_key,
        MAX_CONTENT_LENGTH=config.upload_max_bytes + 1024 * 1024,  # the form around the file
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        SESSION_COOKIE_NAME="ecabinet_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=config.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        # The cookie ends with its server-side record, 12 hours after signing in (a record's
        # end never moves): re-signing it for every response extended only the cookie.
        SESSION_REFRESH_EACH_REQUEST=False,
        WTF_CSRF_TIME_LIMIT=None,  # tied to the session instead: a long session must not break forms
        BABEL_DEFAULT_LOCALE=config.locale,
        BABEL_DEFAULT_TIMEZONE=config.timezone,
        JSON_SORT_KEYS=False,
    )
    app.extensions["ecabinet.settings"] = config
    app.extensions["ecabinet.features"] = FEATURES
    if config.proxy_hops:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=config.proxy_hops,
            x_proto=config.proxy_hops,
            x_host=config.proxy_hops,
        )  # type: ignore[method-assign]

    app.session_interface = realtime.SocketSessionInterface()
    install_request_guard(app)  # before any route is declared: ids are bounded everywhere
    logs.install_request_lines(app)
    _init_extensions(app, config)
    _register_core(app)
    for name in FEATURES:
        importlib.import_module(name).register(app)
    return app


def _init_extensions(app: Flask, config: Settings) -> None:
    db.init_app(app, config.database_url, (config.db_pool_size, config.db_pool_overflow))
    csrf.init_app(app)
    i18n.compile_catalogs()
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=";".join(i18n.translation_dirs()),
    )

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)

    queue = {}
    if config.redis_url:  # publishing off the request path, prompt reconnects (cabinet.mq)
        queue["client_manager"] = QueueManager(config.redis_url, channel="flask-socketio")
    socketio.init_app(
        app,
        async_mode=config.async_mode,
        **queue,
        ping_interval=10,
        ping_timeout=10,
        max_http_buffer_size=1_000_000,
        serializer=realtime.JsonPacket,
    )


def load_user(session_id: str) -> User | None:
    """The person of a session cookie ("<id>:<session token>"), or None when it is no longer valid.

    A socket checks it once per connection, not per event (`cabinet.auth.socket_identity`).
    """
    cached = cached_person(session_id)
    if cached is not None:
        return cached
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    # The cookie alone is not enough: its server-side record must still be live (sign-out ends it).
    found = signed_in(int(user_id), token, session.get(SESSION_KEY))
    if found is None:
        return None
    user, expires_at = found
    remember_person(session_id, user, expires_at)
    return user


def _register_core(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(user_views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.cabinet_cli)
    register_error_handlers(app)
    register_template_helpers(app)
    realtime.register_hub()
    register_core_jobs()
    tick.start_in_process(app, mail.outbox_ready)
    app.after_request(security_headers)


def _private_instance(config: Settings) -> None:
    """The instance folder (database, keys, files) is readable by the service account only.

    The umask makes every file the process creates later private too: SQLite creates the
    database's -wal and -shm files itself, on first write, with the process umask. With
    X-Accel-Redirect nginx reads the stored files itself, so its group keeps read access
    (0640/0750; run nginx in the service account's group) but the world still has none.
    """
    shared_with_nginx = config.x_accel_redirect
    os.umask(0o027 if shared_with_nginx else 0o077)
    folder_mode = 0o750 if shared_with_nginx else 0o700
    config.instance_path.mkdir(mode=folder_mode, parents=True, exist_ok=True)
    config.instance_path.chmod(folder_mode)
    for path in config.instance_path.glob("*.db*"):  # files left by an older, laxer release
        path.chmod(0o600)


#: app.extensions key: endpoints whose pages tablets may keep for offline reading (a feature adds
#: its own; the service worker stores nothing marked no-store).
OFFLINE_PAGES = "ecabinet.offline_pages"


def security_headers(response):
    """Headers every response carries: no sniffing, no framing, a strict CSP, no caching.

    Pages and API answers carry confidential content, so nothing but static files may be kept
    by the browser or a proxy unless the view chose otherwise. `connect-src 'self'` also covers the Socket.IO websocket
    (CSP Level 3 matches ws:/wss: to the page's own http:/https: origin).
    """
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        # 'wasm-unsafe-eval': compiling WebAssembly only (libsodium seals secret ballots), no JS eval.
        "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
        "frame-ancestors 'self'; base-uri 'self'; form-action 'self'",
    )
    # A view that chose its own policy (papers the offline reader may keep) keeps it; the pages
    # a feature lets tablets keep for offline reading (OFFLINE_PAGES) may be stored privately.
    if "Cache-Control" not in response.headers and request.endpoint != "static":
        offline = request.endpoint in current_app.extensions.get(OFFLINE_PAGES, ())
        response.headers["Cache-Control"] = "private, no-cache" if offline else "no-store"
    if settings().secure_cookies:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response
