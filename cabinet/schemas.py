"""Shared marshmallow helpers."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields

from cabinet.errors import ValidationFailed


def load_or_raise(schema: Schema, data: Any) -> Any:
    """Load `data` with `schema`; a validation error becomes ValidationFailed with the fields."""
    try:
        return schema.load(data)
    except ValidationError as error:
        messages = (
            error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        )
        raise ValidationFailed(fields={k: _as_list(v) for k, v in messages.items()}) from None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class ProblemSchema(Schema):
    """RFC 9457 problem details, as every API error is returned."""

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
