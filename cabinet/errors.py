"""Domain exceptions: the refusals services, models and loaders raise.

Views never build error responses by hand: `cabinet.error_handlers` maps these to HTML pages and
problem+json in one place, and `cabinet.realtime.socket_event` to socket acks. Messages are
Vietnamese source strings (lazy_gettext), shown to the person in their language.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l


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
        return {"code": self.code, "message": str(self.message), **json_safe(self.details)}


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


def json_safe(value: Any) -> Any:
    """Lazy strings and nested containers made JSON-safe."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
