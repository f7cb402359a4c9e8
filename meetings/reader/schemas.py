"""Marshmallow schemas of the reader API: private notes, the offline manifest, board packs."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

NOTE_MAX_CHARS = 10_000


class NoteCreateSchema(Schema):
    """A new private note on one page of a paper."""

    page = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100_000))
    text = fields.String(
        required=True, validate=validate.Length(min=1, max=NOTE_MAX_CHARS, error="1–10 000 ký tự.")
    )
    version = fields.Integer(
        load_default=None, strict=True, validate=validate.Range(min=1), allow_none=True
    )


class NoteUpdateSchema(Schema):
    """New text for an existing note."""

    text = fields.String(
        required=True, validate=validate.Length(min=1, max=NOTE_MAX_CHARS, error="1–10 000 ký tự.")
    )


class NoteSchema(Schema):
    """A private note as its author sees it."""

    id = fields.Integer()
    paper_id = fields.Integer()
    version = fields.Integer(attribute="version_number")
    page = fields.Integer()
    text = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class NoteListSchema(Schema):
    """The author's notes on one paper, ordered by page."""

    paper_id = fields.Integer()
    notes = fields.List(fields.Nested(NoteSchema))


class ExportedNoteSchema(Schema):
    """A note in the JSON export, with its page reference spelled out."""

    id = fields.Integer()
    page = fields.Integer()
    page_label = fields.Method("_page_label", metadata={"type": "string"})
    version = fields.Integer(attribute="version_number")
    text = fields.String()
    created_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)

    def _page_label(self, note: Any) -> str:
        return str(_l("Trang %(page)s", page=note.page))


class PaperNotesExportSchema(Schema):
    """The signed-in person's notes on one paper (the JSON export of that paper)."""

    paper_id = fields.Integer()
    paper_title = fields.String()
    notes = fields.List(fields.Nested(ExportedNoteSchema))


class ExportedPaperNotesSchema(PaperNotesExportSchema):
    """One paper's notes in the export of all notes, with the paper's meeting."""

    meeting_id = fields.Integer()
    meeting_title = fields.String()


class NotesExportSchema(Schema):
    """Every note of the signed-in person, grouped by paper (the JSON export)."""

    author = fields.String()
    exported_at = fields.AwareDateTime()
    papers = fields.List(fields.Nested(ExportedPaperNotesSchema))


class OfflineManifestSchema(Schema):
    """What the service worker may keep for offline reading, and what it must not."""

    version = fields.String(metadata={"description": "hash of the URL list; unchanged = no work"})
    urls = fields.List(fields.String())
    papers = fields.List(fields.Dict(), metadata={"description": "paper id → cached URLs"})
    excluded = fields.List(
        fields.Dict(), metadata={"description": "classified papers, never cached offline"}
    )


class BoardPackStatusSchema(Schema):
    """Where a board pack stands for the signed-in person."""

    meeting_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(["ready", "building", "absent", "failed"]))
    percent = fields.Integer()
    url = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    page_count = fields.Integer(allow_none=True)
    paper_count = fields.Integer()


class PresentSchema(Schema):
    """The secretariat (or the presenting ministry) shows a paper at a page."""

    meeting_id = fields.Integer(required=True, strict=True)
    paper_id = fields.Integer(required=True, strict=True)
    page = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100_000))


class StopPresentingSchema(Schema):
    """Nothing is shown any more."""

    meeting_id = fields.Integer(required=True, strict=True)


class CommentCreateSchema(Schema):
    """A comment on one page of a draft paper."""

    page = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100_000))
    text = fields.String(
        required=True, validate=validate.Length(min=1, max=NOTE_MAX_CHARS, error="1–10 000 ký tự.")
    )
    version = fields.Integer(
        load_default=None, strict=True, validate=validate.Range(min=1), allow_none=True
    )


class CommentSchema(Schema):
    """A comment as the secretariat, the presenting ministry or its author sees it."""

    id = fields.Integer()
    paper_id = fields.Integer()
    version = fields.Integer(attribute="version_number")
    page = fields.Integer()
    text = fields.String()
    author = fields.Function(lambda c: c.author.name)
    author_ministry = fields.Function(lambda c: c.author.ministry or "")
    author_id = fields.Integer()
    created_at = fields.DateTime()


class CommentListSchema(Schema):
    """The comments on a paper that this person may read."""

    paper_id = fields.Integer()
    draft = fields.Boolean(metadata={"description": "True while the paper takes comments"})
    reviewer = fields.Boolean(
        metadata={"description": "True: every comment (secretariat, presenting ministry)"}
    )
    comments = fields.List(fields.Nested(CommentSchema))
