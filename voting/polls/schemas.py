"""Payloads of the vote socket events and the votes API: what comes in, and the wire shape of
what goes out (the same schemas feed the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump, validate

from voting.polls.counting import published_ballots, voted_count
from voting.polls.models import PollKind
from voting.rules import Choice


class OpenPollSchema(Schema):
    """The chair opens a vote on an item."""

    meeting_id = fields.Integer(required=True, strict=True)
    item_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    motion_id = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        metadata={"description": "A prepared motion of the item; the question may reword it."},
    )
    question = fields.String(required=True, validate=validate.Length(min=3, max=2000))
    kind = fields.String(
        load_default=PollKind.OPEN.value, validate=validate.OneOf([k.value for k in PollKind])
    )


class CastSchema(Schema):
    """A member's cast; `client_id` makes a resend harmless."""

    poll_id = fields.Integer(required=True, strict=True)
    choice = fields.String(
        load_default=None,
        validate=validate.OneOf([c.value for c in Choice]),
        metadata={"description": "Open votes only."},
    )
    ciphertext = fields.String(
        load_default=None,
        validate=validate.Length(min=80, max=400),
        metadata={
            "description": "Secret votes only: base64 libsodium sealed box of "
            '{"choice", "token"} to the poll\'s public key.'
        },
    )
    client_id = fields.String(
        required=True,
        validate=[validate.Length(min=8, max=64), validate.Regexp(r"^[A-Za-z0-9_-]+$")],
    )


class PollRefSchema(Schema):
    """An event about one poll."""

    poll_id = fields.Integer(required=True, strict=True)


class ReceiptSchema(Schema):
    """What a voter's tablet receives once the cast is stored (no choice in a secret vote)."""

    poll_id = fields.Integer()
    client_id = fields.String()
    at = fields.AwareDateTime()
    choice = fields.String(metadata={"description": "Open votes only."})

    @post_dump
    def _no_choice_in_secret(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data.get("choice") is None:
            data.pop("choice", None)
        return data


def _people(*properties: tuple[str, str], description: str | None = None) -> dict[str, Any]:
    """OpenAPI metadata of a stored list of people (a raw field: written once, sent as is)."""
    item = {"type": "object", "properties": {name: {"type": kind} for name, kind in properties}}
    return {"type": "array", "items": item, **({"description": description} if description else {})}


class PollResultSchema(Schema):
    """The immutable result of a closed vote."""

    poll_id = fields.Integer()
    approve = fields.Integer()
    disapprove = fields.Integer()
    abstain = fields.Integer()
    not_voted = fields.Integer()
    cast = fields.Function(
        lambda r: r.approve + r.disapprove + r.abstain, metadata={"type": "integer"}
    )
    eligible = fields.Integer(attribute="eligible_count")
    base = fields.Integer()
    required = fields.Integer()
    passed = fields.Boolean()
    decided_by = fields.String()
    tie_break = fields.String(allow_none=True)
    rule = fields.Dict()
    all_members = fields.Integer()
    present = fields.Integer()
    # The two name lists (500 entries each in a full cabinet's vote) are stored as plain JSON
    # and go out as they are: `fields.List(fields.Dict())` copied every entry again (1.2 ms of
    # the close's ack, before the result could be announced).
    entitled = fields.Raw(metadata=_people(("user_id", "integer"), ("name", "string")))
    choices = fields.Raw(
        allow_none=True,
        metadata=_people(
            ("user_id", "integer"),
            ("name", "string"),
            ("choice", "string"),
            description="Open votes only.",
        ),
    )
    computed_at = fields.AwareDateTime()
    ballots = fields.Function(
        lambda r: published_ballots(r.poll_id) if r.signature else None,
        metadata={
            "type": "array",
            "nullable": True,
            "description": "Secret votes only: the published [token, choice] list.",
        },
    )
    signature = fields.String(allow_none=True, metadata={"description": "Secret votes only."})
    verify_key = fields.String(allow_none=True, metadata={"description": "Secret votes only."})


class PollSchema(Schema):
    """A vote of a session."""

    id = fields.Integer()
    meeting_id = fields.Integer()
    item_id = fields.Integer(allow_none=True)
    item_title = fields.Function(
        lambda p: p.item.title if p.item else None, metadata={"type": "string", "nullable": True}
    )
    motion_id = fields.Integer(allow_none=True)
    motion_label = fields.Function(
        lambda p: p.motion.label if p.motion else None,
        metadata={"type": "string", "nullable": True},
    )
    question = fields.String()
    kind = fields.String()
    state = fields.String()
    opened_at = fields.AwareDateTime()
    closed_at = fields.AwareDateTime(allow_none=True)
    eligible = fields.Integer(
        attribute="present", metadata={"description": "Members present when it opened."}
    )
    voted = fields.Function(voted_count, metadata={"type": "integer"})
    rule = fields.Dict()
    public_key = fields.Function(
        lambda p: p.public_key if p.is_open else None,
        metadata={"type": "string", "nullable": True, "description": "Open secret votes."},
    )
    result = fields.Nested(PollResultSchema, allow_none=True)


class ProgressSchema(Schema):
    """`vote.progress`: "N of M have voted", as every tablet shows it."""

    meeting_id = fields.Integer()
    poll_id = fields.Integer(attribute="id")
    voted = fields.Function(voted_count, metadata={"type": "integer"})
    eligible = fields.Integer(attribute="present")
