"""Papers: upload (checked, stored by hash, converted to PDF), versions, classification, reads.

A paper's reading copy is always a PDF; an Office upload is converted with LibreOffice when it
is installed, otherwise it is kept as a download only and labelled so. Restricted and secret
papers are served as per-reader watermarked copies and every read is audited.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app, has_request_context, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.errors import DomainError, Forbidden, NotFound, ValidationFailed
from cabinet.realtime import emit_after_commit, meeting_room
from cabinet.storage import (
    ContentStore,
    UploadRejected,
    check_and_store,
    convert_to_pdf,
    send_stored,
    watermarked_copy,
)
from cabinet.users.models import User
from meetings.models import (
    Classification,
    Paper,
    PaperRead,
    PaperReader,
    PaperVersion,
)


class PaperWithdrawn(DomainError):
    """The paper was withdrawn by the secretariat and is no longer served."""

    status = 410
    code = "paper.withdrawn"
    default_message = _l("Tài liệu này đã được rút, không còn được cung cấp.")


class NoReadingCopy(DomainError):
    """A classified paper without a PDF cannot be watermarked, so it is not served."""

    status = 409
    code = "paper.no_pdf"
    default_message = _l(
        "Tài liệu mật chỉ được cung cấp ở dạng PDF có đóng dấu tên người đọc; "
        "bản này chưa có PDF. Đề nghị Văn phòng Chính phủ tải lên bản PDF."
    )


def content_store() -> ContentStore:
    """The content-addressed store of this instance."""
    return ContentStore(settings().storage_dir)


def _pdf_pages(store: ContentStore, sha256: str) -> int | None:
    from pypdf import PdfReader

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


def _users(ids: Iterable[int]) -> list[User]:
    ids = sorted(set(ids))
    users = list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
    if len(users) != len(ids):
        raise ValidationFailed(fields={"reader_ids": [_l("Không tìm thấy người đọc được chọn.")]})
    return users


def _set_readers(paper: Paper, classification: Classification, reader_ids: Iterable[int]) -> None:
    readers = _users(reader_ids) if classification != Classification.NORMAL else []
    if classification != Classification.NORMAL and not readers:
        raise ValidationFailed(
            fields={"reader_ids": [_l("Tài liệu mật phải có ít nhất một người được đọc.")]}
        )
    keep = {r.user_id: r for r in paper.readers}
    paper.readers = [keep.get(u.id) or PaperReader(user_id=u.id) for u in readers]
    paper.classification = classification


def _is_public(paper: Paper) -> bool:
    """Content that every person following the meeting may see can be broadcast."""
    return not paper.is_classified and not paper.item.restricted


def _announce(event: str, paper: Paper, **extra: Any) -> None:
    meeting = paper.item.meeting
    payload: dict[str, Any] = {
        "meeting_id": meeting.id,
        "version": meeting.version,
        "item_id": paper.item_id,
        "paper_id": paper.id,
        **extra,
    }
    if _is_public(paper):
        payload["paper"] = paper_dict(paper, None, None)
    else:
        # Classified: only ids go to the room; readers fetch what they may see.
        payload["restricted"] = True
    emit_after_commit(event, payload, room=meeting_room(meeting.id))


def add_paper(
    item,
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
            "title": paper.title,
            "classification": str(classification),
            "sha256": version.sha256,
            "readers": sorted(paper.reader_ids()),
        },
        actor=actor,
    )
    _announce("paper.added", paper)
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
    emit_after_commit(
        "paper.updated",
        {
            "meeting_id": paper.meeting.id,
            "version": paper.meeting.version,
            "item_id": paper.item_id,
            "paper_id": paper.id,
            "resync": True,
        },
        room=meeting_room(paper.meeting.id),
    )
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
    emit_after_commit(
        "paper.withdrawn",
        {
            "meeting_id": paper.meeting.id,
            "version": paper.meeting.version,
            "item_id": paper.item_id,
            "paper_id": paper.id,
        },
        room=meeting_room(paper.meeting.id),
    )
    return paper


# -- reading ------------------------------------------------------------------------------


def last_reads(papers: Iterable[Paper], user: User) -> dict[int, int]:
    """The last version number `user` opened, per paper id."""
    ids = [p.id for p in papers]
    if not ids or user is None:
        return {}
    rows = db.session.execute(
        select(PaperRead.paper_id, PaperRead.version_number).where(
            PaperRead.user_id == user.id, PaperRead.paper_id.in_(ids)
        )
    )
    return {paper_id: number for paper_id, number in rows}


def record_read(paper: Paper, user: User, version: PaperVersion) -> None:
    """Remember the version `user` opened; audit every read of a classified paper."""
    read = db.session.get(PaperRead, (paper.id, user.id))
    if read is None:
        try:
            with db.session.begin_nested():  # the reader's first requests can arrive together
                db.session.add(
                    PaperRead(paper_id=paper.id, user_id=user.id, version_number=version.number)
                )
        except IntegrityError:
            read = db.session.get(PaperRead, (paper.id, user.id), populate_existing=True)
    if read is not None:
        read.version_number = max(read.version_number, version.number)
        read.read_at = utcnow()
    db.session.flush()
    if paper.is_classified:
        record(
            "paper.read",
            paper,
            data={"version": version.number, "classification": str(paper.classification)},
            actor=user,
        )


def has_endpoint(name: str) -> bool:
    """True when the app has a route with this endpoint (e.g. the reader's)."""
    return name in current_app.view_functions


def _url(endpoint: str, **values: Any) -> str:
    """url_for that also works outside a request (CLI, tests, background emits)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def version_dict(version: PaperVersion) -> dict[str, Any]:
    """A version's metadata for clients."""
    return {
        "id": version.id,
        "number": version.number,
        "display_name": version.display_name,
        "size": version.size,
        "kind": version.kind,
        "media_type": version.media_type,
        "page_count": version.page_count,
        "readable": version.readable,
        "uploaded_at": version.uploaded_at.isoformat(),
    }


def paper_dict(paper: Paper, user: User | None, last_read: int | None) -> dict[str, Any]:
    """A paper for clients: versions, classification, links and "updated since you last read"."""
    current = paper.current_version
    number = current.number if current else 0
    data: dict[str, Any] = {
        "id": paper.id,
        "item_id": paper.item_id,
        "title": paper.title,
        "classification": str(paper.classification),
        "withdrawn": paper.is_withdrawn,
        "current": version_dict(current) if current else None,
        "versions": [version_dict(v) for v in reversed(paper.versions)],
        "last_read": last_read,
        "unread": last_read is None,
        "updated_since_read": last_read is not None and last_read < number,
    }
    if not paper.is_withdrawn:
        data["links"] = {
            "file": _url("meetings.paper_file", paper_id=paper.id),
            "download": _url("meetings.paper_file", paper_id=paper.id, download=1),
            "reader": _url("reader.paper", paper_id=paper.id)
            if has_endpoint("reader.paper")
            else None,
        }
    return data


def _opens_document() -> bool:
    """One read per opening: PDF.js fetches a document in many Range requests after the first."""
    ranges = request.range
    if ranges is None:
        return True
    return any(start == 0 for start, _ in ranges.ranges)


def _watermark_text(user: User, when: datetime) -> str:
    local = when.astimezone(ZoneInfo(settings().timezone))
    return f"{user.name} · {local:%d/%m/%Y %H:%M}"


def paper_response(
    paper: Paper,
    user: User,
    *,
    version_number: int | None = None,
    original: bool = False,
    as_attachment: bool = False,
) -> Response:
    """Serve a paper to `user`: the checks, the watermark, the read record and the file."""
    if not paper.can_see(user):
        raise Forbidden(_l("Bạn không có quyền đọc tài liệu này."))
    if not paper.can_read(user):
        raise PaperWithdrawn()
    version = paper.current_version
    if version_number is not None:
        version = next((v for v in paper.versions if v.number == version_number), None)
    if version is None:
        raise NotFound(_l("Không tìm thấy phiên bản tài liệu."))
    store = content_store()
    manage = paper.meeting.can_manage(user)
    if original or version.pdf_sha256 is None:
        if paper.is_classified and not manage:
            raise NoReadingCopy()
        sha, name, mimetype = version.sha256, version.display_name, version.media_type
        path = store.path_for(sha)
    else:
        sha, mimetype = version.pdf_sha256, "application/pdf"
        name = version.display_name.rsplit(".", 1)[0] + ".pdf"
        path = store.path_for(sha)
        if paper.is_classified:
            path = watermarked_copy(store, sha, user.id, _watermark_text(user, utcnow()))
    if not path.is_file():
        raise NotFound(_l("Tệp của tài liệu không còn trong kho lưu trữ."))
    if _opens_document():
        record_read(paper, user, version)
    return send_stored(
        path,
        download_name=name,
        mimetype=mimetype,
        x_accel=settings().x_accel_redirect,
        x_accel_root=store.root,
        as_attachment=as_attachment or original,
    )
