"""Marshmallow schemas of the meetings API, the HTML forms and the socket payloads.

The output schemas are the wire shape: the API, the `meeting.join` snapshot, the socket events
and the pages all dump through them, and the OpenAPI document shows the same classes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    missing,
    pre_load,
    validate,
    validates_schema,
)
from marshmallow.experimental.context import Context

from cabinet.config import settings
from meetings.models import (
    Classification,
    ItemKind,
    MeetingForm,
    MeetingKind,
    MeetingState,
    Paper,
)


def _local_zone() -> ZoneInfo:
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
# What a payload says depends on who receives it (which papers they see, what they read last):
# the dump runs inside `viewing(viewer, reads)`; without it nothing is filtered or marked read.

_NOBODY = object()


@contextmanager
def viewing(viewer: Any = _NOBODY, reads: Mapping[int, int] | None = None) -> Iterator[None]:
    """Dump for `viewer`: only the papers they may see, with their last read versions."""
    with Context({"viewer": viewer, "reads": reads or {}}):
        yield


def _viewing() -> dict[str, Any]:
    return Context.get({"viewer": _NOBODY, "reads": {}})


def read_marks(last_read: int | None, current_number: int) -> dict[str, Any]:
    """A paper's read marks for one person: the version they last opened, and whether they
    never opened it or a newer version came since."""
    return {
        "last_read": last_read,
        "unread": last_read is None,
        "updated_since_read": last_read is not None and last_read < current_number,
    }


def url_anywhere(endpoint: str, **values: Any) -> str:
    """url_for that also works outside a request (CLI, tests, background emits)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


class MeetingFieldsSchema(Schema):
    """A meeting's own fields, as the snapshot and the socket events carry them."""

    id = fields.Integer()
    kind = fields.String(metadata={"enum": [k.value for k in MeetingKind]})
    title = fields.String()
    number = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime(allow_none=True)
    place = fields.String()
    form = fields.String(metadata={"enum": [f.value for f in MeetingForm]})
    chair = fields.Nested(MeetingUserRefSchema, allow_none=True)
    state = fields.String(metadata={"enum": [s.value for s in MeetingState]})
    #: The state as people see it: `state`, or "suspended" while an open session is suspended.
    phase = fields.String(dump_only=True)
    version = fields.Integer()


class MeetingSchema(MeetingFieldsSchema):
    """A meeting as the API returns it."""

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
    uploaded_at = fields.DateTime()


class PaperLinksSchema(Schema):
    """Where a paper is served (absent once it is withdrawn)."""

    file = fields.String()
    download = fields.String()
    reader = fields.String(allow_none=True)


class MeetingPaperSchema(Schema):
    """A paper as one person sees it."""

    id = fields.Integer()
    item_id = fields.Integer()
    title = fields.String()
    classification = fields.String(metadata={"enum": [c.value for c in Classification]})
    withdrawn = fields.Boolean(attribute="is_withdrawn")
    current = fields.Nested(PaperVersionSchema, attribute="current_version", allow_none=True)
    versions = fields.List(fields.Nested(PaperVersionSchema), attribute="versions_newest_first")
    last_read = fields.Method("_last_read", allow_none=True, metadata={"type": "integer"})
    unread = fields.Method("_unread", metadata={"type": "boolean"})
    updated_since_read = fields.Method("_updated_since_read", metadata={"type": "boolean"})
    links = fields.Method("_links", metadata={"type": "object"})

    def _marks(self, paper: Paper) -> dict[str, Any]:
        current = paper.current_version
        return read_marks(_viewing()["reads"].get(paper.id), current.number if current else 0)

    def _last_read(self, paper: Paper) -> int | None:
        return self._marks(paper)["last_read"]

    def _unread(self, paper: Paper) -> bool:
        return self._marks(paper)["unread"]

    def _updated_since_read(self, paper: Paper) -> bool:
        return self._marks(paper)["updated_since_read"]

    def _links(self, paper: Paper) -> Any:
        if paper.is_withdrawn:
            return missing
        has_reader = "reader.paper" in current_app.view_functions
        return PaperLinksSchema().dump(
            {
                "file": url_anywhere("meetings.paper_file", paper_id=paper.id),
                "download": url_anywhere("meetings.paper_file", paper_id=paper.id, download=1),
                "reader": url_anywhere("reader.paper", paper_id=paper.id) if has_reader else None,
            }
        )


class _SeenPapers(fields.List):
    """An item's papers that the viewer may know of (all of them outside `viewing`)."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        viewer = _viewing()["viewer"]
        if value is not None and viewer is not _NOBODY:
            value = [paper for paper in value if paper.can_see(viewer)]
        return super()._serialize(value, attr, obj, **kwargs)


class AgendaItemSchema(Schema):
    """An agenda item with the papers the person may see."""

    id = fields.Integer()
    position = fields.Integer()
    title = fields.String()
    summary = fields.String()
    kind = fields.String(metadata={"enum": [k.value for k in ItemKind]})
    ministry = fields.String()
    presenter = fields.String()
    planned_minutes = fields.Integer()
    restricted = fields.Boolean()
    invitees = fields.List(fields.Nested(MeetingUserRefSchema))
    papers = _SeenPapers(fields.Nested(MeetingPaperSchema))


class MeetingStateSchema(Schema):
    """The snapshot a tablet renders (also the `meeting.join` ack's `state`)."""

    meeting = fields.Nested(MeetingFieldsSchema)
    can_manage = fields.Boolean()
    items = fields.List(fields.Nested(AgendaItemSchema))
    server_time = fields.DateTime()


class MeetingListSchema(Schema):
    """The meetings a person may see."""

    meetings = fields.List(fields.Nested(MeetingSchema))


class MeetingPublishResultSchema(Schema):
    """The meeting after a change of state, with the warnings to show (publishing)."""

    meeting = fields.Nested(MeetingSchema)
    warnings = fields.List(fields.String())
