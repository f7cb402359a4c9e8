"""Changing papers: upload (checked, stored by hash, converted to PDF), versions, classification,
withdrawal. Each change is audited and announced to the meeting's room after the commit.

A paper's reading copy is always a PDF; an Office upload is converted with LibreOffice when it
is installed, otherwise it is kept as a download only and labelled so.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.errors import ValidationFailed
from cabinet.storage import ContentStore, UploadRejected, check_and_store, convert_to_pdf
from cabinet.users.models import User
from meetings.events import announce
from meetings.models import AgendaItem, Classification, Paper, PaperReader, PaperVersion
from meetings.notices import notify_invitees
from meetings.papers.files import PaperWithdrawn, content_store
from meetings.people import find_users
from meetings.schemas import MeetingPaperSchema


def _pdf_pages(store: ContentStore, sha256: str) -> int | None:
    try:
        with store.open(sha256) as handle:
            return len(PdfReader(handle).pages)
    except Exception:  # a converter's odd output still serves; the count is only informative
        return None


def _ingest(upload: FileStorage | None) -> dict[str, Any]:
    """Check and store an upload; returns the PaperVersion fields (nothing kept on refusal)."""
    if upload is None or not upload.filename:
        raise UploadRejected("empty", _l("Chưa chọn tệp để tải lên."))
    store = content_store()
    stored = check_and_store(
        upload.stream, upload.filename, store=store, max_bytes=settings().upload_max_bytes
    )
    fields: dict[str, Any] = {
        "sha256": stored.sha256,
        "size": stored.size,
        "media_type": stored.media_type,
        "kind": stored.kind,
        "display_name": stored.display_name,
        "page_count": stored.page_count,
        "pdf_sha256": stored.sha256 if stored.kind == "pdf" else None,
    }
    if stored.kind != "pdf":
        converted = convert_to_pdf(store.path_for(stored.sha256))
        if converted is not None:
            try:
                fields["pdf_sha256"], _ = store.put_file(converted)
            finally:
                shutil.rmtree(converted.parent, ignore_errors=True)
            fields["page_count"] = _pdf_pages(store, fields["pdf_sha256"])
    return fields


def _set_readers(paper: Paper, classification: Classification, reader_ids: Iterable[int]) -> None:
    readers = []
    if classification != Classification.NORMAL:
        readers = find_users(
            sorted(set(reader_ids)),
            field="reader_ids",
            message=_l("Không tìm thấy người đọc được chọn."),
        )
        if not readers:
            raise ValidationFailed(
                fields={"reader_ids": [_l("Tài liệu mật phải có ít nhất một người được đọc.")]}
            )
    keep = {r.user_id: r for r in paper.readers}
    paper.readers = [keep.get(u.id) or PaperReader(user_id=u.id) for u in readers]
    paper.classification = classification


def _announce(event: str, paper: Paper, **extra: Any) -> None:
    """Tell the room; a classified paper or one on a restricted item goes out as ids only."""
    public = not paper.is_classified and not paper.item.restricted
    content = {"paper": MeetingPaperSchema().dump(paper)} if public else {"restricted": True}
    announce(event, paper.meeting, item_id=paper.item_id, paper_id=paper.id, **extra, **content)


def add_paper(
    item: AgendaItem,
    *,
    title: str,
    upload: FileStorage | None,
    classification: Classification = Classification.NORMAL,
    reader_ids: Iterable[int] = (),
    actor: User,
) -> Paper:
    """Attach a new paper (version 1) to an agenda item."""
    meeting = item.meeting
    meeting.ensure_editable()
    classification = Classification(classification)
    paper = Paper(title=title.strip())
    _set_readers(paper, classification, reader_ids)
    fields = _ingest(upload)
    if not paper.title:
        paper.title = fields["display_name"].rsplit(".", 1)[0]
    version = PaperVersion(number=1, uploaded_by_id=actor.id, uploaded_at=utcnow(), **fields)
    paper.versions.append(version)
    item.papers.append(paper)
    db.session.flush()
    paper.current_version = version
    meeting.touch()
    db.session.flush()
    record(
        "paper.added",
        paper,
        data={
            "item": item.id,
            # The audit trail is read by the administrators: a classified paper by reference.
            "title": paper.reference if paper.is_classified else paper.title,
            "classification": str(classification),
            "sha256": version.sha256,
            "readers": sorted(paper.reader_ids()),
        },
        actor=actor,
    )
    _announce("paper.added", paper)
    notify_invitees(paper.meeting, "papers")
    return paper


def add_version(paper: Paper, upload: FileStorage | None, *, actor: User) -> PaperVersion:
    """Upload a new version; it becomes the current one and the old ones stay listed."""
    paper.meeting.ensure_editable()
    if paper.is_withdrawn:
        raise PaperWithdrawn()
    fields = _ingest(upload)
    number = max((v.number for v in paper.versions), default=0) + 1
    version = PaperVersion(number=number, uploaded_by_id=actor.id, uploaded_at=utcnow(), **fields)
    paper.versions.append(version)
    db.session.flush()
    paper.current_version = version
    paper.meeting.touch()
    db.session.flush()
    record(
        "paper.version_added",
        paper,
        data={"number": number, "sha256": version.sha256},
        actor=actor,
    )
    _announce("paper.version_added", paper, number=number)
    notify_invitees(paper.meeting, "papers")
    return version


def set_classification(
    paper: Paper, classification: Classification, reader_ids: Iterable[int], *, actor: User
) -> Paper:
    """Change who may read a paper; tablets re-fetch so nobody keeps what they lost."""
    paper.meeting.ensure_editable()
    before = (str(paper.classification), sorted(paper.reader_ids()))
    _set_readers(paper, Classification(classification), reader_ids)
    db.session.flush()
    after = (str(paper.classification), sorted(paper.reader_ids()))
    if before == after:
        return paper
    paper.meeting.touch()
    record(
        "paper.classified",
        paper,
        data={"from": before[0], "to": after[0], "readers": after[1]},
        actor=actor,
    )
    announce("paper.updated", paper.meeting, item_id=paper.item_id, paper_id=paper.id, resync=True)
    return paper


def withdraw_paper(paper: Paper, *, actor: User, reason: str = "") -> Paper:
    """Stop serving a paper everywhere at once (open tablets drop it on the event)."""
    if paper.is_withdrawn:
        return paper
    paper.withdrawn_at = utcnow()
    paper.withdrawn_by_id = actor.id
    paper.meeting.touch()
    db.session.flush()
    record("paper.withdrawn", paper, data={"reason": reason} if reason else None, actor=actor)
    announce("paper.withdrawn", paper.meeting, item_id=paper.item_id, paper_id=paper.id)
    notify_invitees(paper.meeting, "papers")
    return paper
