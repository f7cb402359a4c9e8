"""Payloads of the live-session socket events and API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from meetings.live.models import AttendanceMode, Presence


class LiveMeetingSchema(Schema):
    """An event about one meeting."""

    meeting_id = fields.Integer(required=True, strict=True)


class CheckInSchema(LiveMeetingSchema):
    """A person checks in on their tablet (resent after a reconnect: check-in is idempotent)."""

    client_id = fields.String(load_default=None, validate=validate.Length(max=64))

    mode = fields.String(
        load_default=AttendanceMode.IN_ROOM.value,
        validate=validate.OneOf([m.value for m in AttendanceMode]),
    )


class MarkAttendanceSchema(LiveMeetingSchema):
    """The secretariat marks a person present or absent."""

    user_id = fields.Integer(required=True, strict=True)
    presence = fields.String(required=True, validate=validate.OneOf([p.value for p in Presence]))
    mode = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf([m.value for m in AttendanceMode]),
    )
    with_leave = fields.Boolean(load_default=False)
    leave_reason = fields.String(load_default="", validate=validate.Length(max=300))


class AssignDeputySchema(LiveMeetingSchema):
    """The secretariat records the deputy attending for an absent member."""

    member_id = fields.Integer(required=True, strict=True)
    deputy_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    allow_other = fields.Boolean(load_default=False)


class ItemEventSchema(LiveMeetingSchema):
    """An event about one agenda item of the meeting."""

    item_id = fields.Integer(required=True, strict=True)


class CloseListSchema(ItemEventSchema):
    """Close or reopen the list of speakers of an item."""

    closed = fields.Boolean(load_default=True)


class SpeakingRequestSchema(LiveMeetingSchema):
    """An action on one request to speak."""

    request_id = fields.Integer(required=True, strict=True)


class AttendeeSchema(Schema):
    """One person's attendance, as the board shows it."""

    user_id = fields.Integer()
    name = fields.String()
    presence = fields.String()
    mode = fields.String(allow_none=True)
    with_leave = fields.Boolean()
    leave_reason = fields.String()
    deputy = fields.Dict(allow_none=True)
    arrived_at = fields.String(allow_none=True)


class QuorumSchema(Schema):
    """Present members against the quorum."""

    present = fields.Integer()
    required = fields.Integer()
    all_members = fields.Integer()
    met = fields.Boolean()
    missing = fields.Integer()


class AttendanceBoardSchema(Schema):
    """The attendance board of a session."""

    members = fields.List(fields.Nested(AttendeeSchema))
    others = fields.List(fields.Nested(AttendeeSchema))
    quorum = fields.Nested(QuorumSchema)
