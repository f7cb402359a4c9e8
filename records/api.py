"""JSON API of records under /api/v1/records (session auth + X-CSRFToken)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cabinet.db import db, get_or_404
from cabinet.errors import Forbidden, ValidationFailed
from cabinet.permissions import login_required_route, roles_required
from cabinet.schemas import load_or_raise
from cabinet.users.models import Role
from meetings.models import Meeting
from records import services
from records.models import DecisionRecord, Minutes, MinutesComment
from records.schemas import (
    DecisionSchema,
    DecisionUpdateSchema,
    MinutesCommentInputSchema,
    MinutesSaveSchema,
    MinutesSchema,
    SignatureEventSchema,
    SignInputSchema,
    VerifyRecordSchema,
)
from records.signing import sign_record, store
from records.verify import verify_document

bp = Blueprint("records_api", __name__, url_prefix="/api/v1/records")

MAX_VERIFY_BYTES = 60 * 1024 * 1024


def _user():
    return current_user._get_current_object()


def readable_minutes(minutes_id: int) -> Minutes:
    """Load minutes the current user may read (404 / 403)."""
    minutes = get_or_404(Minutes, minutes_id)
    if not minutes.can_read(_user()):
        raise Forbidden()
    return minutes


def readable_decision(record_id: int) -> DecisionRecord:
    """Load a decision record the current user may read (404 / 403)."""
    record = get_or_404(DecisionRecord, record_id)
    if not record.can_read(_user()):
        raise Forbidden()
    return record


def minutes_payload(minutes: Minutes) -> dict:
    """The minutes with comments and revisions, as the editor needs them."""
    return {
        **MinutesSchema().dump(minutes),
        "comments": [services.comment_dict(c) for c in minutes.comments],
        "revisions": [
            {
                "number": r.number,
                "author": r.author.name if r.author else None,
                "at": r.created_at.isoformat(),
                "changes": r.changes,
                "note": r.note,
            }
            for r in minutes.revisions
        ],
    }


@bp.get("/meetings/<int:meeting_id>/minutes")
@login_required_route
def meeting_minutes(meeting_id: int):
    """The minutes of a meeting (drafted from the session record on first access).
    ---
    get:
      tags: [records]
      summary: Minutes of a closed meeting; generated as a draft on first access
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: MinutesSchema
        409:
          description: "The session is not closed yet"
    """
    meeting = get_or_404(Meeting, meeting_id)
    if not meeting.has_member_access(_user()):
        raise Forbidden()
    minutes = services.ensure_minutes(meeting, _user())
    db.session.commit()
    return jsonify(minutes_payload(minutes))


@bp.get("/minutes/<int:minutes_id>")
@login_required_route
def minutes_detail(minutes_id: int):
    """Read the minutes.
    ---
    get:
      tags: [records]
      summary: The minutes with their comments and revisions
      parameters:
        - {in: path, name: minutes_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: MinutesSchema
    """
    return jsonify(minutes_payload(readable_minutes(minutes_id)))


@bp.put("/minutes/<int:minutes_id>")
@roles_required(Role.SECRETARIAT)
def save_minutes(minutes_id: int):
    """Save the minutes editor.
    ---
    put:
      tags: [records]
      summary: Save changed fields as a new revision (409 when someone saved in between)
      parameters:
        - {in: path, name: minutes_id, required: true, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: MinutesSaveSchema
      responses:
        200:
          content:
            application/json:
              schema: MinutesSchema
        409:
          description: "Edit conflict; the body lists the other editor's changes (their_changes)"
    """
    minutes = readable_minutes(minutes_id)
    data = load_or_raise(MinutesSaveSchema(), request.get_json(silent=True) or {})
    services.save_minutes(minutes, data["changes"], version=data["version"], actor=_user())
    db.session.commit()
    return jsonify(minutes_payload(minutes))


@bp.post("/minutes/<int:minutes_id>/comments")
@login_required_route
def comment_minutes(minutes_id: int):
    """Comment on circulated minutes.
    ---
    post:
      tags: [records]
      summary: A member present proposes a correction on one item (sent live to the meeting room)
      parameters:
        - {in: path, name: minutes_id, required: true, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: MinutesCommentInputSchema
      responses:
        201:
          description: "The comment"
    """
    minutes = readable_minutes(minutes_id)
    data = load_or_raise(MinutesCommentInputSchema(), request.get_json(silent=True) or {})
    comment = services.add_comment(minutes, _user(), item_id=data["item_id"], text=data["text"])
    db.session.commit()
    return jsonify(services.comment_dict(comment)), 201


@bp.post("/comments/<int:comment_id>/resolve")
@roles_required(Role.SECRETARIAT)
def resolve_comment(comment_id: int):
    """Mark a comment as taken into account.
    ---
    post:
      tags: [records]
      summary: The secretariat marks a correction as handled
      parameters:
        - {in: path, name: comment_id, required: true, schema: {type: integer}}
      responses:
        200:
          description: "The comment"
    """
    comment = get_or_404(MinutesComment, comment_id)
    services.resolve_comment(comment, actor=_user())
    db.session.commit()
    return jsonify(services.comment_dict(comment))


def _sign(record):
    data = load_or_raise(SignInputSchema(), request.get_json(silent=True) or {})
    event = sign_record(record, _user(), data["passphrase"])
    db.session.commit()
    return jsonify(
        {
            "state": str(record.state),
            "signature": SignatureEventSchema().dump(event),
            "sha256": record.pdf_sha256,
        }
    )


@bp.post("/minutes/<int:minutes_id>/sign")
@login_required_route
def sign_minutes(minutes_id: int):
    """Sign the minutes.
    ---
    post:
      tags: [records]
      summary: The secretary (first) or the chair (after) signs with their signing passphrase
      parameters:
        - {in: path, name: minutes_id, required: true, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: SignInputSchema
      responses:
        200:
          description: "Signed; the new state and the signature"
        403:
          description: "Not a signer of this record"
        409:
          description: "Out of order, not final, wrong passphrase"
    """
    return _sign(readable_minutes(minutes_id))


@bp.get("/decisions/<int:record_id>")
@login_required_route
def decision_detail(record_id: int):
    """Read a decision record.
    ---
    get:
      tags: [records]
      summary: A resolution or ballot decision record
      parameters:
        - {in: path, name: record_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: DecisionSchema
    """
    return jsonify(DecisionSchema().dump(readable_decision(record_id)))


@bp.put("/decisions/<int:record_id>")
@roles_required(Role.SECRETARIAT)
def update_decision(record_id: int):
    """Edit a draft decision record.
    ---
    put:
      tags: [records]
      summary: Edit summary, bases, articles or recipients of a draft (version-checked)
      parameters:
        - {in: path, name: record_id, required: true, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: DecisionUpdateSchema
      responses:
        200:
          content:
            application/json:
              schema: DecisionSchema
        409:
          description: "Edit conflict or not a draft"
    """
    record = readable_decision(record_id)
    data = load_or_raise(DecisionUpdateSchema(), request.get_json(silent=True) or {})
    version = data.pop("version")
    services.update_decision(record, data, version=version, actor=_user())
    db.session.commit()
    return jsonify(DecisionSchema().dump(record))


@bp.post("/decisions/<int:record_id>/sign")
@login_required_route
def sign_decision(record_id: int):
    """Sign a decision record.
    ---
    post:
      tags: [records]
      summary: The secretary (first) or the chair (after) signs with their signing passphrase
      parameters:
        - {in: path, name: record_id, required: true, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: SignInputSchema
      responses:
        200:
          description: "Signed; the new state and the signature"
    """
    return _sign(readable_decision(record_id))


@bp.post("/verify")
@login_required_route
def verify():
    """Verify a PDF's signatures and whether it is in the register.
    ---
    post:
      tags: [records]
      summary: Upload a PDF (multipart field "file") or name a stored record (JSON)
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {type: string, format: binary}
          application/json:
            schema: VerifyRecordSchema
      responses:
        200:
          content:
            application/json:
              schema: VerificationSchema
    """
    return jsonify(verify_document(verify_input()))


def verify_input() -> bytes:
    """The PDF to verify: an uploaded file, or the current file of a record the user may read."""
    upload = request.files.get("file")
    if upload is not None:
        data = upload.read(MAX_VERIFY_BYTES + 1)
        if not data:
            raise ValidationFailed(fields={"file": [_l("Tệp rỗng.")]})
        if len(data) > MAX_VERIFY_BYTES:
            raise ValidationFailed(fields={"file": [_l("Tệp quá lớn để kiểm tra.")]})
        return data
    source = dict((request.get_json(silent=True) if request.is_json else request.form) or {})
    if "record" in source:  # the page's <select>: "minutes:3"
        source["record_type"], _sep, source["record_id"] = str(source.pop("record")).partition(":")
    data = load_or_raise(VerifyRecordSchema(), source)
    if data["record_type"] == "minutes":
        record = readable_minutes(data["record_id"])
    else:
        record = readable_decision(data["record_id"])
    if not record.pdf_sha256:
        raise ValidationFailed(fields={"record_id": [_l("Văn bản chưa có bản PDF.")]})
    with store().open(record.pdf_sha256) as handle:
        return handle.read()
