"""JSON API of the reader: private notes, note exports, the offline manifest, board packs."""

from __future__ import annotations

import json
import re
import unicodedata

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user

from cabinet.db import db, get_or_404
from cabinet.errors import NotFound, ValidationFailed
from cabinet.permissions import login_required_route
from cabinet.schemas import load_or_raise
from meetings.models import Meeting, Paper
from meetings.reader import services
from meetings.reader.schemas import (
    BoardPackStatusSchema,
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


def _paper_for_notes(paper_id: int) -> Paper:
    """A paper whose existence the person may know of; everyone else gets 404."""
    paper = db.session.get(Paper, paper_id)
    if paper is None or not paper.can_see(current_user):
        raise NotFound()
    return paper


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60] or "tai-lieu"


@bp.get("/papers/<int:paper_id>/notes")
@login_required_route
def list_notes(paper_id: int):
    """List the signed-in person's private notes on a paper.
    ---
    get:
      summary: My notes on a paper, by page
      tags: [reader]
      parameters:
        - {in: path, name: paper_id, required: true, schema: {type: integer}}
      responses:
        200: {content: {application/json: {schema: NoteListSchema}}}
        404: {description: No such paper, or not visible to you}
    """
    paper = _paper_for_notes(paper_id)
    notes = services.notes_of(paper, current_user)
    return jsonify(NoteListSchema().dump({"paper_id": paper.id, "notes": notes}))


@bp.post("/papers/<int:paper_id>/notes")
@login_required_route
def create_note(paper_id: int):
    """Write a private note on a page of a paper.
    ---
    post:
      summary: Add a private note (only its author ever sees it)
      tags: [reader]
      parameters:
        - {in: path, name: paper_id, required: true, schema: {type: integer}}
      requestBody:
        content: {application/json: {schema: NoteCreateSchema}}
      responses:
        201: {content: {application/json: {schema: NoteSchema}}}
        404: {description: No such paper, or not readable by you}
        422: {description: Invalid page or text}
    """
    paper = _paper_for_notes(paper_id)
    if not paper.can_read(current_user):
        raise NotFound()
    data = load_or_raise(NoteCreateSchema(), request.get_json(silent=True) or {})
    note = services.add_note(
        paper, current_user, page=data["page"], text=data["text"], version=data["version"]
    )
    db.session.commit()
    return jsonify(NoteSchema().dump(note)), 201


@bp.patch("/notes/<int:note_id>")
@login_required_route
def update_note(note_id: int):
    """Change the text of one of my notes.
    ---
    patch:
      summary: Edit a private note
      tags: [reader]
      parameters:
        - {in: path, name: note_id, required: true, schema: {type: integer}}
      requestBody:
        content: {application/json: {schema: NoteUpdateSchema}}
      responses:
        200: {content: {application/json: {schema: NoteSchema}}}
        404: {description: No such note among yours}
    """
    note = services.own_note(note_id, current_user)
    data = load_or_raise(NoteUpdateSchema(), request.get_json(silent=True) or {})
    services.update_note(note, data["text"])
    db.session.commit()
    return jsonify(NoteSchema().dump(note))


@bp.delete("/notes/<int:note_id>")
@login_required_route
def delete_note(note_id: int):
    """Delete one of my notes.
    ---
    delete:
      summary: Delete a private note
      tags: [reader]
      parameters:
        - {in: path, name: note_id, required: true, schema: {type: integer}}
      responses:
        204: {description: Deleted}
        404: {description: No such note among yours}
    """
    note = services.own_note(note_id, current_user)
    services.delete_note(note, current_user)
    db.session.commit()
    return Response(status=204)


@bp.get("/papers/<int:paper_id>/notes/export")
@login_required_route
def export_paper_notes(paper_id: int):
    """Download my notes on a paper with their page references.
    ---
    get:
      summary: "Export my notes on a paper (each with its page: Trang 3 …)"
      tags: [reader]
      parameters:
        - {in: path, name: paper_id, required: true, schema: {type: integer}}
        - {in: query, name: format, schema: {type: string, enum: [md, txt, json], default: md}}
      responses:
        200: {description: The notes as Markdown, plain text or JSON}
        404: {description: No such paper, or not visible to you}
        422: {description: Unknown format}
    """
    paper = _paper_for_notes(paper_id)
    fmt = request.args.get("format", "md")
    if fmt not in EXPORT_FORMATS:
        raise ValidationFailed(fields={"format": ["md, txt, json"]})
    notes = services.notes_of(paper, current_user)
    if fmt == "json":
        body = json.dumps(
            {
                "paper_id": paper.id,
                "paper_title": paper.title,
                "notes": [services.note_dict(n) for n in notes],
            },
            ensure_ascii=False,
            indent=2,
        )
    else:
        body = services.notes_markdown(paper, notes, markdown=fmt == "md")
    mimetype, ext = EXPORT_FORMATS[fmt]
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="ghi-chu-{_slug(paper.title)}.{ext}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/notes/export")
@login_required_route
def export_all_notes():
    """All my notes on every paper, as JSON.
    ---
    get:
      summary: Export all my private notes (JSON)
      tags: [reader]
      responses:
        200: {content: {application/json: {schema: NotesExportSchema}}}
    """
    response = jsonify(services.export_notes_json(current_user))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/offline-manifest")
@login_required_route
def offline_manifest():
    """What this tablet may keep for offline reading.
    ---
    get:
      summary: URLs of the agenda pages and normal papers of published meetings I may read
      tags: [reader]
      responses:
        200: {content: {application/json: {schema: OfflineManifestSchema}}}
    """
    response = jsonify(OfflineManifestSchema().dump(services.offline_manifest(current_user)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/meetings/<int:meeting_id>/boardpack")
@login_required_route
def boardpack_status(meeting_id: int):
    """Where my board pack for a meeting stands.
    ---
    get:
      summary: Board pack status (ready with its URL, building with a percentage, or absent)
      tags: [reader]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
      responses:
        200: {content: {application/json: {schema: BoardPackStatusSchema}}}
        404: {description: No such meeting, or not visible to you}
    """
    meeting = get_or_404(Meeting, meeting_id)
    services.ensure_pack_allowed(meeting, current_user)
    return jsonify(BoardPackStatusSchema().dump(services.board_pack_status(meeting, current_user)))


@bp.post("/meetings/<int:meeting_id>/boardpack")
@login_required_route
def boardpack_build(meeting_id: int):
    """Build my board pack in the background (progress arrives as `boardpack.progress`).
    ---
    post:
      summary: Start building the board pack, or return the cached one
      tags: [reader]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
      responses:
        200: {content: {application/json: {schema: BoardPackStatusSchema}}}
        202: {content: {application/json: {schema: BoardPackStatusSchema}}}
        404: {description: No such meeting, or not visible to you}
    """
    meeting = get_or_404(Meeting, meeting_id)
    services.ensure_pack_allowed(meeting, current_user)
    status = services.request_board_pack(meeting, current_user)
    return jsonify(BoardPackStatusSchema().dump(status)), 200 if status[
        "status"
    ] == "ready" else 202
