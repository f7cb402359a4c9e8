"""Refuse, before any view runs, request parts no database can store: ids beyond 32 bits in
the path, NUL characters in query strings and form fields (PostgreSQL rejects them)."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from cabinet.schemas import INT_MAX, bad_text


class BoundedIntegerConverter(IntegerConverter):
    """`<int:id>` that matches only ids a 32-bit column can hold (a bigger one is a 404)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002  (werkzeug's name)
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def _refuse_bad_text() -> None:
    values = list(request.args.values())
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += list(request.form.values())
    if any(bad_text(v) for v in values):
        raise BadRequest("NUL characters are not accepted.")


def install_request_guard(app: Flask) -> None:
    """Bounded `<int:...>` ids for every route declared afterwards; bad text refused early."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(_refuse_bad_text)
