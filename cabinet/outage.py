"""The database is unreachable: recognise it, and answer without touching the database again.

Every socket event then acks `{"ok": false, "error": {"code": "unavailable", ...}}` and the API
answers `503` problem+json with `Retry-After`; the engine's pre-ping reconnects on its own once
the database is back (no restart).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from flask import g, has_request_context, session
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from cabinet.db import db

CODE = "unavailable"
#: Seconds a client is asked to wait before trying again (the `Retry-After` of a 503).
RETRY_AFTER = 5
MESSAGE = _l("Tạm thời không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau giây lát.")


def is_outage(error: BaseException) -> bool:
    """True for a lost or refused database connection (not for a bad statement)."""
    if isinstance(error, OperationalError | InterfaceError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def safe_locale() -> str:
    """The person's locale without a query: the user row already loaded, else the session."""
    if has_request_context():
        user = g.get("_login_user")
        chosen = getattr(user, "__dict__", {}).get("locale")  # loaded value only, no refresh
        if chosen in ("vi", "en"):
            return chosen
        chosen = session.get("locale")
        if chosen in ("vi", "en"):
            return chosen
    return "vi"


def translated(text: Any) -> str:
    """A lazy string in the person's language, chosen without the database."""
    with force_locale(safe_locale()):
        return str(text)


def message() -> str:
    """The outage message in the person's language, read without the database."""
    return translated(MESSAGE)


def internal_message() -> str:
    """The "system error, try again" message, in the person's language, without the database."""
    return translated(_l("Lỗi hệ thống. Vui lòng thử lại."))


def error() -> dict[str, Any]:
    """The `error` member of a socket ack for an outage."""
    return {"code": CODE, "message": message(), "retry_after": RETRY_AFTER}


def forget_session() -> None:
    """Drop the failed transaction; a dead connection may refuse even the rollback."""
    try:
        db.session.rollback()
    except Exception:
        with contextlib.suppress(Exception):  # nothing more to release
            db.session.invalidate()


def log_failure(logger: logging.Logger, what: str, error: BaseException) -> None:
    """A background task's failed round: during a database outage one line an operator can read
    (the outage is expected and heals by itself), otherwise the traceback."""
    if is_outage(error):
        logger.error("%s: database unavailable (%s)", what, type(error).__name__)
    else:
        logger.error("%s", what, exc_info=error)
