"""Private notes on the pages of a paper: write, edit, delete, export. Only the author sees them.

Functions flush and audit (never a note's text); the view or API commits once.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.audit import record
from cabinet.db import db, utcnow
from cabinet.errors import ValidationFailed
from cabinet.users.models import User
from meetings.models import Paper
from meetings.reader.models import PaperNote
from meetings.reader.reading import version_to_read
from meetings.reader.schemas import NotesExportSchema, PaperNotesExportSchema


def notes_of(paper: Paper, user: User) -> list[PaperNote]:
    """The notes `user` wrote on `paper`, by page then time (never anyone else's)."""
    return list(
        db.session.scalars(
            select(PaperNote)
            .where(PaperNote.paper_id == paper.id, PaperNote.author_id == user.id)
            .order_by(PaperNote.page, PaperNote.created_at, PaperNote.id)
        )
    )


def add_note(
    paper: Paper, user: User, *, page: int, text: str, version: int | None = None
) -> PaperNote:
    """Write a private note on a page of the version being read; audited without its text."""
    read_version = version_to_read(paper, version)
    if read_version.page_count and page > read_version.page_count:
        raise ValidationFailed(
            fields={"page": [str(_l("Tài liệu chỉ có %(n)s trang.", n=read_version.page_count))]}
        )
    note = PaperNote(
        author_id=user.id,
        paper_id=paper.id,
        version_number=read_version.number,
        page=page,
        text=text.strip(),
    )
    db.session.add(note)
    db.session.flush()
    record("note.created", note, data={"paper_id": paper.id, "page": page}, actor=user)
    return note


def update_note(note: PaperNote, text: str) -> PaperNote:
    """Change a note's text (the loader has checked it is the author's)."""
    note.text = text.strip()
    note.updated_at = utcnow()
    db.session.flush()
    return note


def delete_note(note: PaperNote, user: User) -> None:
    """Delete a note; the audit entry names the paper and page, never the text."""
    record("note.deleted", note, data={"paper_id": note.paper_id, "page": note.page}, actor=user)
    db.session.delete(note)
    db.session.flush()


def notes_markdown(paper: Paper, notes: list[PaperNote], *, markdown: bool = True) -> str:
    """The notes as Markdown (or plain text) with a page reference on each: "Trang 3: ..."."""
    lines = [f"# {paper.title}" if markdown else paper.title]
    if not markdown:
        lines.append("=" * min(len(paper.title), 80))
    lines.append("")
    if not notes:
        lines.append(str(_l("(Chưa có ghi chú.)")))
    for note in notes:
        text = note.text.replace("\r\n", "\n").strip()
        head = str(_l("Trang %(page)s", page=note.page))
        version = str(_l("phiên bản %(n)s", n=note.version_number))
        if markdown:
            indented = text.replace("\n", "\n  ")
            lines.append(f"- **{head}** ({version}): {indented}")
        else:
            lines.append(f"{head} ({version}): {text}")
    return "\n".join(lines) + "\n"


def export_paper_notes(paper: Paper, notes: list[PaperNote]) -> dict[str, Any]:
    """The notes on one paper for the JSON export."""
    return PaperNotesExportSchema().dump(
        {"paper_id": paper.id, "paper_title": paper.title, "notes": notes}
    )


def export_notes_json(user: User) -> dict[str, Any]:
    """Every note of `user`, grouped by paper, for the personal JSON export."""
    notes = db.session.scalars(
        select(PaperNote)
        .where(PaperNote.author_id == user.id)
        .order_by(PaperNote.paper_id, PaperNote.page, PaperNote.id)
    )
    papers: dict[int, dict[str, Any]] = {}
    for note in notes:
        if note.paper_id not in papers:
            paper = note.paper
            papers[note.paper_id] = {
                "paper_id": paper.id,
                "paper_title": paper.title,
                "meeting_id": paper.meeting.id,
                "meeting_title": paper.meeting.title,
                "notes": [],
            }
        papers[note.paper_id]["notes"].append(note)
    return NotesExportSchema().dump(
        {"author": user.name, "exported_at": utcnow(), "papers": list(papers.values())}
    )
