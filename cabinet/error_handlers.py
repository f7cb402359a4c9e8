"""The one place that maps errors to responses: HTML pages for people, problem+json for the API.

Domain errors (`cabinet.errors`) keep their status, code and message; HTTP errors raised by
Flask and Werkzeug (404 routes, 405, 413 uploads) get the same two shapes.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from cabinet import outage
from cabinet.db import db
from cabinet.errors import DomainError, ValidationFailed, json_safe


def wants_problem_json() -> bool:
    """API requests (and clients that ask for JSON) get problem+json instead of HTML."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def problem(status: int, title: str, detail: str, code: str, /, **extra: Any) -> Response:
    """An RFC 9457 problem document; the standard members win over an extra of the same name."""
    body = {
        **json_safe(extra),
        "type": f"https://ecabinet.local/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


_TITLES = {
    400: _l("Yêu cầu không hợp lệ"),
    401: _l("Chưa đăng nhập"),
    403: _l("Không có quyền"),
    404: _l("Không tìm thấy"),
    405: _l("Phương thức không được hỗ trợ"),
    409: _l("Xung đột"),
    413: _l("Tệp quá lớn"),
    422: _l("Dữ liệu chưa hợp lệ"),
    429: _l("Quá nhiều yêu cầu"),
    500: _l("Lỗi hệ thống"),
    503: _l("Tạm thời không phục vụ được"),
}


def _title(status: int) -> str:
    return str(_TITLES.get(status, _TITLES[400 if status < 500 else 500]))


def register_error_handlers(app: Flask) -> None:
    """Map domain errors and HTTP errors to pages or problem+json, in one place."""

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        # A route's unit of work has rolled back already; this also covers a refusal raised
        # before it started (the access check) or by a hook outside it.
        db.session.rollback()
        if wants_problem_json():
            return problem(
                error.status, _title(error.status), str(error.message), error.code, **error.details
            )
        if error.status == 401:
            return redirect(url_for("auth.login", next=request.full_path))
        template = (
            f"errors/{error.status}.html" if error.status in (403, 404) else "errors/error.html"
        )
        return render_template(template, error=error, status=error.status), error.status

    @app.errorhandler(DataError)
    def handle_out_of_range(error: DataError):
        # A value the database cannot hold (an id beyond its integer range in a query string):
        # the person sent something invalid, not the server's fault.
        db.session.rollback()
        refusal = ValidationFailed(_l("Giá trị gửi lên nằm ngoài khoảng cho phép."))
        return handle_domain_error(refusal)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def handle_outage(error: Exception):
        # The database is unreachable: 503 with Retry-After, answered without touching it (no
        # page template: the layout reads the signed-in person).
        if not outage.is_outage(error):
            raise error
        outage.forget_session()
        app.logger.error("database unavailable: %s", type(error).__name__)
        title, detail = outage.translated(_TITLES[503]), outage.message()
        if wants_problem_json():
            response = problem(503, title, detail, outage.CODE)
        else:
            page = f"<!doctype html><title>{escape(title)}</title><p>{escape(detail)}</p>"
            response = Response(page, status=503, mimetype="text/html")
        response.headers["Retry-After"] = str(outage.RETRY_AFTER)
        return response

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        if wants_problem_json():
            code = {
                400: "bad_request",
                404: "not_found",
                405: "method_not_allowed",
                413: "too_large",
            }.get(status, f"http_{status}")
            detail = error.description or _title(status)
            if status == 413:
                detail = str(_l("Tệp vượt quá giới hạn dung lượng cho phép."))
            return problem(status, _title(status), str(detail), code)
        template = f"errors/{status}.html" if status in (403, 404) else "errors/error.html"
        return render_template(template, error=error, status=status), status
