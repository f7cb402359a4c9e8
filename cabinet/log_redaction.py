"""A logging filter that keeps ballot contents out of every log: event arguments named like a
choice, a sealed ballot or a receipt token are redacted, and a database error's SQL
parameters (which would carry them) are hidden before the traceback is formatted."""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlalchemy.exc import StatementError

#: Argument names whose values never reach a log.
SECRET_KEYS = frozenset({"choice", "ciphertext", "token", "receipt_token"})
_NAMES = "|".join(sorted(SECRET_KEYS))
_INLINE = re.compile(rf"""(['"](?:{_NAMES})['"]\s*:\s*)(['"])[^'"]*\2""")
REDACTED = "[redacted]"
#: The loggers that see socket event arguments or SQL parameters (a logger's filters apply to
#: the records it creates itself, so each is named; the root handlers cover the rest).
LOGGERS = (
    "",
    "cabinet.realtime",
    "cabinet.db",
    "voting.polls.lifecycle",
    "voting.polls.progress",
    "socketio.server",
    "engineio.server",
    "sqlalchemy.engine.Engine",
    "werkzeug",
)


def redact(value: Any) -> Any:
    """A copy of `value` with every secret-named member replaced."""
    if isinstance(value, dict):
        return {k: REDACTED if k in SECRET_KEYS else redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact(v) for v in value)
    if isinstance(value, str):
        return _INLINE.sub(lambda m: f"{m.group(1)}'{REDACTED}'", value)
    return value


def _hide_parameters(error: BaseException | None) -> None:
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, StatementError):
            error.hide_parameters = True
        error = error.__cause__ or error.__context__


class RedactBallots(logging.Filter):
    """Redacts ballot contents from a record's message, arguments and exception."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record, with its secrets taken out."""
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            record.args = redact(record.args)
        if record.exc_info and record.exc_info[1] is not None:
            _hide_parameters(record.exc_info[1])
            record.exc_text = None
        return True


_FILTER = RedactBallots()


def install() -> None:
    """Attach the filter to the loggers and to the root handlers (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
