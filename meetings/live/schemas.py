"""Payloads of the live-session socket events: what tablets send, and what they receive.

The output schemas are the wire shape of the acks, the `attendance.updated`,
`session.current_item` and `speaking.updated` events and the "live" part of `meeting.join`.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from meetings.live.models import AttendanceMode, Presence, SpeakerCapacity, SpeakerStatus
from meetings.schemas import MeetingUserRefSchema


class LiveMeetingSchema(Schema):
    """An event about one meeting."""

    meeting_id = fields.Integer(required=True, strict=True)


class SuspendSchema(LiveMeetingSchema):
    """The chair (or the secretariat) suspends the open session, saying why if they wish."""

    reason = fields.String(load_default="", validate=validate.Length(max=300))


class SuspensionSchema(Schema):
    """A suspended session: since when and why ("" when no reason was given)."""

    at = fields.String()
    reason = fields.String()


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


class SpeakingLimitSchema(LiveMeetingSchema):
    """Payload of speaking.set_limit: the item (none: the whole session) and the seconds."""

    item_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    seconds = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(0, 3600)
    )


class SpeakingRequestSchema(LiveMeetingSchema):
    """An action on one request to speak."""

    request_id = fields.Integer(required=True, strict=True)


class AttendingDeputySchema(Schema):
    """The deputy attending for an absent member."""

    id = fields.Integer(attribute="deputy_id")
    name = fields.String(attribute="deputy.name")
    present = fields.Boolean(attribute="deputy_present")


class AttendeeSchema(Schema):
    """One person's attendance, as tablets and the board show it."""

    user_id = fields.Integer()
    name = fields.String(attribute="user.name")
    presence = fields.String(metadata={"enum": [*(p.value for p in Presence), "unknown"]})
    mode = fields.String(allow_none=True, metadata={"enum": [m.value for m in AttendanceMode]})
    with_leave = fields.Boolean()
    leave_reason = fields.String()
    deputy = fields.Method("_deputy", allow_none=True, metadata={"type": "object"})
    arrived_at = fields.DateTime(allow_none=True)

    def _deputy(self, row: Any) -> dict[str, Any] | None:
        return AttendingDeputySchema().dump(row) if row.deputy_id else None


class BoardMemberSchema(AttendeeSchema):
    """A cabinet seat on the attendance board: its holder's attendance and designated deputy."""

    title = fields.String()
    designated_deputy = fields.Nested(MeetingUserRefSchema, allow_none=True)


class QuorumSchema(Schema):
    """Present members against the quorum."""

    present = fields.Integer()
    required = fields.Integer()
    all_members = fields.Integer()
    met = fields.Boolean()
    missing = fields.Integer()


class AttendanceBoardSchema(Schema):
    """The attendance board of a session: the seats, others present, the quorum, what may
    be marked now."""

    members = fields.List(fields.Nested(BoardMemberSchema))
    others = fields.List(fields.Nested(AttendeeSchema))
    quorum = fields.Nested(QuorumSchema)
    state = fields.String()
    can_mark_present = fields.Boolean()
    can_mark_absent = fields.Boolean()


class AttendanceUpdateSchema(Schema):
    """`attendance.updated`: one person's attendance and the quorum it leaves."""

    meeting_id = fields.Integer()
    attendee = fields.Nested(AttendeeSchema)
    quorum = fields.Nested(QuorumSchema)


class CurrentItemSchema(Schema):
    """The item under discussion and its timer (`session.current_item`)."""

    meeting_id = fields.Integer()
    item_id = fields.Integer()
    position = fields.Integer()
    number = fields.Integer()
    planned_minutes = fields.Integer()
    elapsed_seconds = fields.Integer()
    running_since = fields.DateTime(allow_none=True)
    server_now = fields.DateTime()


class SpeakingEntrySchema(Schema):
    """A request to speak as the queue shows it."""

    id = fields.Integer()
    item_id = fields.Integer()
    user_id = fields.Integer()
    name = fields.String(attribute="user.name")
    title = fields.String(attribute="user.office")  # title and ministry
    capacity = fields.String(metadata={"enum": [c.value for c in SpeakerCapacity]})
    for_member = fields.String(attribute="for_member.name", allow_none=True, dump_default=None)
    status = fields.String(metadata={"enum": [s.value for s in SpeakerStatus]})
    requested_at = fields.DateTime()
    floor_at = fields.DateTime(allow_none=True)


class SpeakingQueueSchema(Schema):
    """The speakers' list of an item (`speaking.updated`)."""

    meeting_id = fields.Integer()
    item_id = fields.Integer()
    closed = fields.Boolean()
    queue = fields.List(fields.Nested(SpeakingEntrySchema))
    limit_seconds = fields.Integer(allow_none=True)
    item_limit_seconds = fields.Integer(allow_none=True)
    session_limit_seconds = fields.Integer(allow_none=True)
    server_now = fields.DateTime()


class LiveMeSchema(Schema):
    """What the live session says about the person whose tablet it is."""

    attendance = fields.Nested(AttendeeSchema, allow_none=True)
    is_member = fields.Boolean()
    deputy_for = fields.String(allow_none=True)
    can_conduct = fields.Boolean()
    can_chair = fields.Boolean()


class LiveStateSchema(Schema):
    """The "live" part of the `meeting.join` state (voting adds `vote` and `last_result`)."""

    in_session = fields.Boolean()
    suspended = fields.Nested(SuspensionSchema, allow_none=True)
    current_item = fields.Nested(CurrentItemSchema, allow_none=True)
    speaking = fields.Nested(SpeakingQueueSchema, allow_none=True)
    quorum = fields.Nested(QuorumSchema)
    me = fields.Nested(LiveMeSchema)
