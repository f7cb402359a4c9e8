"""Domain exceptions and the one place that maps them to HTTP, problem+json and socket acks.

Services and models raise these; views never build error responses by hand. Messages are
Vietnamese source strings (lazy_gettext), shown to the person in their language.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A refusal the person should understand: a status, a stable code and a message."""

    status: int = 400
    code: str = "error"
    default_message: Any = _l("Yêu cầu không hợp lệ.")

    def __init__(self, message: Any = None, **details: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.details = details
        super().__init__(str(self.message))

    def to_dict(self) -> dict[str, Any]:
        """The error as the `error` member of a socket ack."""
        return {"code": self.code, "message": str(self.message), **_plain(self.details)}


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _l("Không tìm thấy.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _l("Bạn không có quyền thực hiện thao tác này.")


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    default_message = _l("Vui lòng đăng nhập.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _l("Dữ liệu đã bị thay đổi bởi người khác. Hãy tải lại và thử lại.")


class InvalidState(Conflict):
    code = "invalid_state"
    default_message = _l("Thao tác không phù hợp với trạng thái hiện tại.")


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"
    default_message = _l("Dữ liệu gửi lên chưa hợp lệ.")

    def __init__(
        self, message: Any = None, fields: dict[str, list[Any]] | None = None, **details: Any
    ):
        super().__init__(message, **details)
        self.fields = fields or {}
        if fields:
            self.details["fields"] = fields


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"
    default_message = _l("Quá nhiều yêu cầu. Vui lòng thử lại sau.")


def _plain(value: Any) -> Any:
    """Lazy strings and nested containers made JSON-safe."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def wants_problem_json() -> bool:
    """API requests (and clients that ask for JSON) get problem+json instead of HTML."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def problem(status: int, title: str, detail: str, code: str, **extra: Any) -> Response:
    """An RFC 9457 problem document."""
    body = {
        "type": f"https://ecabinet.local/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **_plain(extra),
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
}


def _title(status: int) -> str:
    return str(_TITLES.get(status, _TITLES[400 if status < 500 else 500]))


def register_error_handlers(app: Flask) -> None:
    """Map domain errors and HTTP errors to pages or problem+json, in one place."""
    from cabinet.db import db

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
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
