"""Marshmallow schemas of the meetings API, the HTML forms and the socket payloads."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from meetings.models import Classification, ItemKind, MeetingForm, MeetingKind, MeetingState


def _local_zone() -> ZoneInfo:
    from cabinet.config import settings

    return ZoneInfo(settings().timezone)


class LocalDateTime(fields.DateTime):
    """A datetime; a value without an offset is local time in the configured zone (forms)."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if result.tzinfo is None:
            result = result.replace(tzinfo=_local_zone())
        return result.astimezone(UTC)


class _Ids(fields.List):
    """A list of ids that also accepts a form's repeated field or a comma-separated string."""

    def __init__(self, **kwargs):
        super().__init__(fields.Integer(strict=False), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [v for v in value.replace(";", ",").split(",") if v.strip()]
        return super()._deserialize(value, attr, data, **kwargs)


class MeetingUserRefSchema(Schema):
    """A person referred to by a meeting."""

    id = fields.Integer()
    name = fields.String()


class MeetingInputSchema(Schema):
    """Create or edit a meeting."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.Enum(MeetingKind, by_value=True, load_default=MeetingKind.REGULAR)
    title = fields.String(
        required=True,
        validate=validate.Length(1, 300, error=_l("Tên phiên họp dài từ 1 đến 300 ký tự.")),
    )
    number = fields.String(load_default="", validate=validate.Length(max=50))
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(load_default=None, allow_none=True)
    place = fields.String(load_default="", validate=validate.Length(max=300))
    form = fields.Enum(MeetingForm, by_value=True, load_default=MeetingForm.IN_ROOM)
    chair_id = fields.Integer(load_default=None, allow_none=True, strict=False)
    member_ids = _Ids(load_default=None, allow_none=True)
    invitee_ids = _Ids(load_default=list)

    @pre_load
    def _blank_to_none(self, data, **kwargs):
        if hasattr(data, "getlist"):
            # An HTML form: repeated checkboxes arrive as a MultiDict.
            plain = {k: data.get(k) for k in data}
            for name in ("member_ids", "invitee_ids"):
                if name in data:
                    plain[name] = data.getlist(name)
            data = plain
        return {
            k: (None if v == "" and k in ("ends_at", "chair_id") else v) for k, v in data.items()
        }

    @validates_schema
    def _ends_after_start(self, data, **kwargs):
        if data.get("ends_at") and data.get("starts_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError(
                _l("Thời gian kết thúc phải sau thời gian bắt đầu."), field_name="ends_at"
            )


class MeetingStateChangeSchema(Schema):
    """Move a meeting to another state."""

    state = fields.Enum(MeetingState, by_value=True, required=True)


class AgendaItemInputSchema(Schema):
    """Create or edit an agenda item."""

    class Meta:
        unknown = EXCLUDE

    title = fields.String(
        required=True,
        validate=validate.Length(1, 500, error=_l("Tên nội dung dài từ 1 đến 500 ký tự.")),
    )
    summary = fields.String(load_default="", validate=validate.Length(max=20000))
    kind = fields.Enum(ItemKind, by_value=True, load_default=ItemKind.DECISION)
    ministry = fields.String(load_default="", validate=validate.Length(max=300))
    presenter = fields.String(load_default="", validate=validate.Length(max=300))
    planned_minutes = fields.Integer(
        load_default=15,
        strict=False,
        validate=validate.Range(1, 600, error=_l("Thời lượng từ 1 đến 600 phút.")),
    )
    restricted = fields.Boolean(load_default=False)
    invitee_ids = _Ids(load_default=list)

    @pre_load
    def _form(self, data, **kwargs):
        if hasattr(data, "getlist"):
            plain = {k: data.get(k) for k in data}
            plain["invitee_ids"] = data.getlist("invitee_ids")
            # An unchecked checkbox is absent from a form post.
            plain["restricted"] = data.get("restricted") in ("1", "on", "true", "y")
            return plain
        return data


class AgendaReorderSchema(Schema):
    """The agenda's item ids in their new order."""

    order = fields.List(fields.Integer(strict=True), required=True)


class PaperUploadSchema(Schema):
    """The fields of a paper upload besides the file."""

    class Meta:
        unknown = EXCLUDE

    title = fields.String(load_default="", validate=validate.Length(max=500))
    classification = fields.Enum(Classification, by_value=True, load_default=Classification.NORMAL)
    reader_ids = _Ids(load_default=list)

    @pre_load
    def _form(self, data, **kwargs):
        if hasattr(data, "getlist"):
            plain = {k: data.get(k) for k in data}
            plain["reader_ids"] = data.getlist("reader_ids")
            return plain
        return data


class PaperClassificationSchema(Schema):
    """Change a paper's classification and readers."""

    classification = fields.Enum(Classification, by_value=True, required=True)
    reader_ids = _Ids(load_default=list)

    @pre_load
    def _form(self, data, **kwargs):
        if hasattr(data, "getlist"):
            return {
                "classification": data.get("classification"),
                "reader_ids": data.getlist("reader_ids"),
            }
        return data


class MeetingJoinSchema(Schema):
    """`meeting.join` / `meeting.leave` payload."""

    meeting_id = fields.Integer(required=True, strict=False)


# -- output -------------------------------------------------------------------------------


class MeetingSchema(Schema):
    """A meeting as the API returns it."""

    id = fields.Integer()
    kind = fields.String(metadata={"enum": [k.value for k in MeetingKind]})
    title = fields.String()
    number = fields.String()
    starts_at = fields.String(metadata={"format": "date-time"})
    ends_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    place = fields.String()
    form = fields.String(metadata={"enum": [f.value for f in MeetingForm]})
    state = fields.String(metadata={"enum": [s.value for s in MeetingState]})
    chair = fields.Nested(MeetingUserRefSchema, allow_none=True)
    version = fields.Integer()
    published_at = fields.AwareDateTime(allow_none=True)


class PaperVersionSchema(Schema):
    """One version of a paper."""

    id = fields.Integer()
    number = fields.Integer()
    display_name = fields.String()
    size = fields.Integer()
    kind = fields.String()
    media_type = fields.String()
    page_count = fields.Integer(allow_none=True)
    readable = fields.Boolean(metadata={"description": "False: download only (not converted)"})
    uploaded_at = fields.String()


class MeetingPaperSchema(Schema):
    """A paper as one person sees it."""

    id = fields.Integer()
    item_id = fields.Integer()
    title = fields.String()
    classification = fields.String()
    withdrawn = fields.Boolean()
    current = fields.Nested(PaperVersionSchema, allow_none=True)
    versions = fields.List(fields.Nested(PaperVersionSchema))
    last_read = fields.Integer(allow_none=True)
    unread = fields.Boolean()
    updated_since_read = fields.Boolean()
    links = fields.Dict()


class AgendaItemSchema(Schema):
    """An agenda item with the papers the person may see."""

    id = fields.Integer()
    position = fields.Integer()
    title = fields.String()
    summary = fields.String()
    kind = fields.String()
    ministry = fields.String()
    presenter = fields.String()
    planned_minutes = fields.Integer()
    restricted = fields.Boolean()
    invitees = fields.List(fields.Nested(MeetingUserRefSchema))
    papers = fields.List(fields.Nested(MeetingPaperSchema))


class MeetingStateSchema(Schema):
    """The snapshot a tablet renders (also the `meeting.join` ack's `state`)."""

    meeting = fields.Dict()
    can_manage = fields.Boolean()
    items = fields.List(fields.Nested(AgendaItemSchema))
    server_time = fields.String()


class MeetingPublishResultSchema(Schema):
    """The meeting after publishing, with the warnings to show."""

    meeting = fields.Nested(MeetingSchema)
    warnings = fields.List(fields.String())
