"""Payloads of the vote socket events and the votes API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from voting.polls.models import PollKind
from voting.rules import Choice


class OpenPollSchema(Schema):
    """The chair opens a vote on an item."""

    meeting_id = fields.Integer(required=True, strict=True)
    item_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    question = fields.String(required=True, validate=validate.Length(min=3, max=2000))
    kind = fields.String(
        load_default=PollKind.OPEN.value, validate=validate.OneOf([k.value for k in PollKind])
    )


class CastSchema(Schema):
    """A member's cast; `client_id` makes a resend harmless."""

    poll_id = fields.Integer(required=True, strict=True)
    choice = fields.String(required=True, validate=validate.OneOf([c.value for c in Choice]))
    client_id = fields.String(
        required=True,
        validate=[validate.Length(min=8, max=64), validate.Regexp(r"^[A-Za-z0-9_-]+$")],
    )


class PollRefSchema(Schema):
    """An event about one poll."""

    poll_id = fields.Integer(required=True, strict=True)


class ReceiptSchema(Schema):
    """What a voter's tablet receives once the cast is stored."""

    poll_id = fields.Integer()
    client_id = fields.String()
    at = fields.String()
    choice = fields.String(metadata={"description": "Open votes only."})


class PollResultSchema(Schema):
    """The immutable result of a closed vote."""

    poll_id = fields.Integer()
    approve = fields.Integer()
    disapprove = fields.Integer()
    abstain = fields.Integer()
    not_voted = fields.Integer()
    cast = fields.Integer()
    eligible = fields.Integer()
    base = fields.Integer()
    required = fields.Integer()
    passed = fields.Boolean()
    decided_by = fields.String()
    tie_break = fields.String(allow_none=True)
    rule = fields.Dict()
    all_members = fields.Integer()
    present = fields.Integer()
    entitled = fields.List(fields.Dict())
    choices = fields.List(
        fields.Dict(), allow_none=True, metadata={"description": "Open votes only."}
    )
    computed_at = fields.String()


class PollSchema(Schema):
    """A vote of a session."""

    id = fields.Integer()
    meeting_id = fields.Integer()
    item_id = fields.Integer(allow_none=True)
    item_title = fields.String(allow_none=True)
    question = fields.String()
    kind = fields.String()
    state = fields.String()
    opened_at = fields.String()
    closed_at = fields.String(allow_none=True)
    eligible = fields.Integer()
    voted = fields.Integer()
    rule = fields.Dict()
    result = fields.Nested(PollResultSchema, allow_none=True)
