"""JSON API of the reader: private notes, note exports, the offline manifest, board packs.

The OpenAPI operations are in `openapi.yaml` beside this module.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from flask import Blueprint, Response, jsonify, request

from cabinet.errors import ValidationFailed
from cabinet.permissions import login_required_route
from cabinet.schemas import json_body, load_or_raise
from cabinet.users import current_person
from meetings.loaders import load_meeting, load_note, load_paper
from meetings.openapi import document_views
from meetings.reader import comments, notes, offline, packs
from meetings.reader.schemas import (
    BoardPackStatusSchema,
    CommentCreateSchema,
    CommentListSchema,
    CommentSchema,
    NoteCreateSchema,
    NoteListSchema,
    NoteSchema,
    NoteUpdateSchema,
    OfflineManifestSchema,
)

bp = Blueprint("reader_api", __name__, url_prefix="/api/v1/reader")

EXPORT_FORMATS = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "txt": ("text/plain; charset=utf-8", "txt"),
    "json": ("application/json", "json"),
}


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60] or "tai-lieu"


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/papers/<int:paper_id>/notes")
@login_required_route
def list_notes(paper_id: int):
    """List the signed-in person's private notes on a paper."""
    paper = load_paper(paper_id, need="see", conceal=True)
    mine = notes.notes_of(paper, current_person())
    return jsonify(NoteListSchema().dump({"paper_id": paper.id, "notes": mine}))


@bp.post("/papers/<int:paper_id>/notes")
@login_required_route
def create_note(paper_id: int):
    """Write a private note on a page of a paper."""
    paper = load_paper(paper_id, need="read", conceal=True)
    data = load_or_raise(NoteCreateSchema(), json_body())
    note = notes.add_note(
        paper, current_person(), page=data["page"], text=data["text"], version=data["version"]
    )
    return jsonify(NoteSchema().dump(note)), 201


@bp.patch("/notes/<int:note_id>")
@login_required_route
def update_note(note_id: int):
    """Change the text of one of my notes."""
    note = load_note(note_id)
    data = load_or_raise(NoteUpdateSchema(), json_body())
    notes.update_note(note, data["text"])
    return jsonify(NoteSchema().dump(note))


@bp.delete("/notes/<int:note_id>")
@login_required_route
def delete_note(note_id: int):
    """Delete one of my notes."""
    notes.delete_note(load_note(note_id), current_person())
    return Response(status=204)


@bp.get("/papers/<int:paper_id>/notes/export")
@login_required_route
def export_paper_notes(paper_id: int):
    """Download my notes on a paper with their page references."""
    paper = load_paper(paper_id, need="see", conceal=True)
    fmt = request.args.get("format", "md")
    if fmt not in EXPORT_FORMATS:
        raise ValidationFailed(fields={"format": ["md, txt, json"]})
    mine = notes.notes_of(paper, current_person())
    if fmt == "json":
        exported = notes.export_paper_notes(paper, mine)
        body = json.dumps(exported, ensure_ascii=False, indent=2)
    else:
        body = notes.notes_markdown(paper, mine, markdown=fmt == "md")
    mimetype, ext = EXPORT_FORMATS[fmt]
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="ghi-chu-{_slug(paper.title)}.{ext}"'
    )
    return _no_store(response)


@bp.get("/notes/export")
@login_required_route
def export_all_notes():
    """All my notes on every paper, as JSON."""
    return _no_store(jsonify(notes.export_notes_json(current_person())))


@bp.get("/papers/<int:paper_id>/comments")
@login_required_route
def list_comments(paper_id: int):
    """Comments on a draft paper: all of them for the secretariat and the presenting ministry,
    one's own for a member."""
    paper = load_paper(paper_id, need="read", conceal=True)
    person = current_person()
    listed = {
        "paper_id": paper.id,
        "draft": comments.is_draft(paper),
        "reviewer": comments.reviews_comments(paper, person),
        "comments": comments.comments_for(paper, person),
    }
    return jsonify(CommentListSchema().dump(listed))


@bp.post("/papers/<int:paper_id>/comments")
@login_required_route
def create_comment(paper_id: int):
    """Comment on a page of a draft paper (for the secretariat and the presenting ministry)."""
    paper = load_paper(paper_id, need="read", conceal=True)
    data = load_or_raise(CommentCreateSchema(), json_body())
    comment = comments.add_comment(
        paper, current_person(), page=data["page"], text=data["text"], version=data["version"]
    )
    return jsonify(CommentSchema().dump(comment)), 201


@bp.get("/papers/<int:paper_id>/comments/digest.csv")
@login_required_route
def export_comment_digest(paper_id: int):
    """The digest of every comment on a paper, by page, as CSV (secretariat, presenting ministry)."""
    paper = load_paper(paper_id, need="read", conceal=True)
    body = comments.digest_csv(paper, current_person())
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="gop-y-{_slug(paper.title)}.csv"'
    )
    return _no_store(response)


@bp.get("/offline-manifest")
@login_required_route
def offline_manifest():
    """What this tablet may keep for offline reading."""
    manifest = offline.offline_manifest(current_person())
    return _no_store(jsonify(OfflineManifestSchema().dump(manifest)))


@bp.get("/meetings/<int:meeting_id>/boardpack")
@login_required_route
def boardpack_status(meeting_id: int):
    """Where my board pack for a meeting stands."""
    meeting = load_meeting(meeting_id, need="read", conceal=True)
    status = packs.board_pack_status(meeting, current_person())
    return jsonify(BoardPackStatusSchema().dump(status))


@bp.post("/meetings/<int:meeting_id>/boardpack")
@login_required_route
def boardpack_build(meeting_id: int):
    """Build my board pack in the background (progress arrives as `boardpack.progress`)."""
    meeting = load_meeting(meeting_id, need="read", conceal=True)
    status = packs.request_board_pack(meeting, current_person())
    code = 200 if status["status"] == "ready" else 202
    return jsonify(BoardPackStatusSchema().dump(status)), code


document_views(globals(), Path(__file__).with_name("openapi.yaml"))
