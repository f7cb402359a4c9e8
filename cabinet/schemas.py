"""Shared marshmallow helpers."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from marshmallow import INCLUDE, Schema, ValidationError, fields

from cabinet.errors import ValidationFailed

#: Ids and counts are 32-bit integers in the database (PostgreSQL `integer`).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
NOT_AN_OBJECT = _l("Nội dung gửi lên phải là một đối tượng JSON.")
BAD_TEXT = _l("Văn bản chứa ký tự không hợp lệ.")
OUT_OF_RANGE = _l("Số nằm ngoài khoảng cho phép.")


def json_body() -> dict[str, Any]:
    """The request's JSON object (empty when there is none); an array or a scalar is refused."""
    data = request.get_json(silent=True)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValidationFailed(fields={"_schema": [NOT_AN_OBJECT]})
    return data


def bad_text(value: str) -> bool:
    """True for text no database column accepts: NUL characters or lone surrogates."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _input_errors(data: Any, path: str = "") -> dict[str, list[Any]]:
    """Fields whose raw value no column can store (bad text, integers beyond 32 bits)."""
    errors: dict[str, list[Any]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and bad_text(key):
                errors["_schema"] = [BAD_TEXT]
                continue
            errors.update(_input_errors(value, name))
    elif isinstance(data, list | tuple):
        for value in data:
            errors.update(_input_errors(value, path or "_schema"))
    elif isinstance(data, str) and bad_text(data):
        errors[path or "_schema"] = [BAD_TEXT]
    elif isinstance(data, int) and not isinstance(data, bool) and not INT_MIN <= data <= INT_MAX:
        errors[path or "_schema"] = [OUT_OF_RANGE]
    return errors


def load_or_raise(schema: Schema, data: Any) -> Any:
    """Load `data` with `schema`; a validation error becomes ValidationFailed with the fields.

    Text with NUL characters or lone surrogates and integers beyond 32 bits are refused here,
    for every API body and socket payload, before they reach a database that would fail on them.
    """
    errors = _input_errors(data)
    if errors:
        raise ValidationFailed(fields=errors)
    try:
        result = schema.load(data)
    except ValidationError as error:
        messages = (
            error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        )
        raise ValidationFailed(fields={k: _as_list(v) for k, v in messages.items()}) from None
    errors = _input_errors(result)  # "99999999999999999999" loaded by a non-strict Integer
    if errors:
        raise ValidationFailed(fields=errors)
    return result


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class ProblemSchema(Schema):
    """RFC 9457 problem details, as every API error is returned.

    Extension members (RFC 9457 section 3.2) may follow: what the refusal concerns, e.g. the
    current agenda order of an `agenda.stale` conflict.
    """

    class Meta:
        unknown = INCLUDE

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    code = fields.String()
    fields_ = fields.Dict(data_key="fields")


class UserSchema(Schema):
    """A person, as the API shows them."""

    id = fields.Integer(dump_only=True)
    name = fields.String()
    title = fields.String()
    ministry = fields.String()
    email = fields.Email()
    locale = fields.String()
    active = fields.Boolean()
    roles = fields.Method("get_roles")

    def get_roles(self, user: Any) -> list[str]:
        return sorted(str(r) for r in user.roles)
