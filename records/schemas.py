"""Marshmallow schemas of the records API and socket events (collected into the OpenAPI spec).

The output schemas are the wire shape: the API, the socket events and the pages' scripts
(static/js/records) get what these dump.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class MinutesSaveSchema(Schema):
    """A save of the minutes editor: the version it was based on and the changed fields."""

    version = fields.Integer(required=True, validate=validate.Range(min=1))
    changes = fields.Dict(
        keys=fields.String(validate=validate.Length(max=60)),
        values=fields.String(validate=validate.Length(max=20_000)),
        required=True,
    )


class MinutesCommentInputSchema(Schema):
    """A correction proposed on one agenda item of circulated minutes."""

    item_id = fields.Integer(load_default=None, allow_none=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class MinutesCommentSocketSchema(MinutesCommentInputSchema):
    """The `minutes.comment` socket event."""

    minutes_id = fields.Integer(required=True)


class SignInputSchema(Schema):
    """The signer's passphrase (of the .p12 keystore, or the token PIN)."""

    passphrase = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ArticleSchema(Schema):
    """One numbered article ("Điều n.") of a decision record."""

    heading = fields.String(load_default="", validate=validate.Length(max=500))
    text = fields.String(required=True, validate=validate.Length(min=1, max=20_000))


class DecisionUpdateSchema(Schema):
    """Edits of a draft decision record."""

    version = fields.Integer(required=True)
    summary = fields.String(validate=validate.Length(min=3, max=500))
    bases = fields.List(
        fields.String(validate=validate.Length(max=2000)), validate=validate.Length(max=30)
    )
    articles = fields.List(fields.Nested(ArticleSchema), validate=validate.Length(min=1, max=200))
    recipients = fields.List(
        fields.String(validate=validate.Length(max=300)), validate=validate.Length(max=50)
    )


class VerifyRecordSchema(Schema):
    """Verify a stored record instead of an upload."""

    record_type = fields.String(required=True, validate=validate.OneOf(["minutes", "decision"]))
    record_id = fields.Integer(required=True)


class RevisionSchema(Schema):
    """One save of the minutes: who, when, and the field-level changes."""

    number = fields.Integer()
    author = fields.Function(lambda r: r.author.name if r.author else None)
    at = fields.DateTime(attribute="created_at")
    changes = fields.List(fields.Dict())
    note = fields.String()


class MinutesCommentSchema(Schema):
    """A correction proposed on circulated minutes, as the page and the sockets show it."""

    id = fields.Integer()
    item_id = fields.Integer(allow_none=True)
    author = fields.Function(lambda c: c.author.name)
    author_title = fields.Function(lambda c: c.author.title or "")
    text = fields.String()
    created_at = fields.DateTime()
    resolved = fields.Function(lambda c: c.resolved_at is not None)


class MinutesSchema(Schema):
    """The minutes as read back."""

    id = fields.Integer()
    meeting_id = fields.Integer()
    state = fields.Function(lambda m: str(m.state))
    version = fields.Integer()
    number = fields.Function(lambda m: m.register_entry.symbol if m.register_entry else None)
    content = fields.Dict()
    pdf_sha256 = fields.String(allow_none=True)
    secretary_id = fields.Integer(allow_none=True)
    chair_id = fields.Integer(allow_none=True)


class MinutesDetailSchema(MinutesSchema):
    """The minutes with their comments and revisions, as the editor needs them."""

    comments = fields.List(fields.Nested(MinutesCommentSchema))
    revisions = fields.List(fields.Nested(RevisionSchema))


class MinutesStatusSchema(Schema):
    """The `records` part of the meeting snapshot: the minutes' state, whose signature waits."""

    id = fields.Integer()
    state = fields.Function(lambda m: str(m.state))
    version = fields.Integer()
    awaiting = fields.Function(lambda m: m.awaiting.value if m.awaiting else None)


class DecisionSchema(Schema):
    """A decision record as read back."""

    id = fields.Integer()
    kind = fields.Function(lambda d: str(d.kind))
    state = fields.Function(lambda d: str(d.state))
    version = fields.Integer()
    title = fields.String()
    number = fields.Function(lambda d: d.register_entry.symbol if d.register_entry else None)
    meeting_id = fields.Integer(allow_none=True)
    ballot_id = fields.Integer(allow_none=True)
    content = fields.Dict()
    pdf_sha256 = fields.String(allow_none=True)


class SignatureEventSchema(Schema):
    """A signature placed on a record."""

    id = fields.Integer()
    role = fields.Function(lambda e: str(e.role))
    signer = fields.Function(lambda e: e.signer.name)
    signed_at = fields.DateTime()
    backend = fields.String()
    sha256_after = fields.String()


class SignResultSchema(Schema):
    """What a signature changed: the record's new state, the signature, the new file's hash."""

    state = fields.String()
    signature = fields.Nested(SignatureEventSchema)
    sha256 = fields.String()


class VerificationSchema(Schema):
    """The verdict on a PDF: its signatures and whether it is a record in the register."""

    ok = fields.Boolean()
    signatures_ok = fields.Boolean()
    sha256 = fields.String()
    size = fields.Integer()
    error = fields.String(allow_none=True)
    error_code = fields.String(allow_none=True)  # "unreadable" or "unsigned"
    error_text = fields.String(allow_none=True)
    verdict = fields.String()  # "valid", "invalid" or "not_registered"
    verdict_label = fields.String()
    level = fields.String(allow_none=True)  # PAdES "B-B", "B-T", "B-LT" or "B-LTA"
    level_label = fields.String(allow_none=True)
    horizon = fields.String(allow_none=True)  # ISO 8601: verifiable as it is until then
    horizon_label = fields.String(allow_none=True)
    document_timestamps = fields.Integer()
    signatures = fields.List(fields.Dict())
    register = fields.Dict()
    register_label = fields.String()
    text = fields.String()
