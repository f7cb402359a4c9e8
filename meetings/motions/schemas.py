"""What comes in when a motion is written, and the wire shape of a motion."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from meetings.motions.models import MotionKind

TEXT = validate.Length(min=3, max=2000)


class MotionInputSchema(Schema):
    """A new motion, or an amendment to one (`parent_id`)."""

    text = fields.String(required=True, validate=TEXT)
    parent_id = fields.Integer(load_default=None, allow_none=True, strict=True)


class MotionEditSchema(Schema):
    """A motion's new wording."""

    text = fields.String(required=True, validate=TEXT)


class MotionSchema(Schema):
    """A prepared motion (or an amendment) of an agenda item."""

    id = fields.Integer()
    item_id = fields.Integer()
    parent_id = fields.Integer(allow_none=True)
    kind = fields.String(
        metadata={"enum": [k.value for k in MotionKind]},
    )
    position = fields.Integer()
    label = fields.String()
    text = fields.String()
    created_at = fields.AwareDateTime()
    vote = fields.Dict(
        allow_none=True,
        metadata={"description": "The last vote opened on it: poll_id, state, passed."},
    )


class MotionListSchema(Schema):
    """An item's motions, amendments after the motion they amend."""

    item_id = fields.Integer()
    motions = fields.List(fields.Nested(MotionSchema))
