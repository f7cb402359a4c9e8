"""Serving papers: the reading PDF (watermarked per reader when classified), reads, the store.

The loaders (`meetings.loaders.load_paper`) decide who may open a paper; this module serves
it and records the read in the request's unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import Response, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from cabinet.audit import record
from cabinet.config import settings
from cabinet.dates import short
from cabinet.db import db, utcnow
from cabinet.errors import DomainError, NotFound
from cabinet.storage import ContentStore, send_stored, watermarked_copy
from cabinet.users.models import User
from meetings.models import Paper, PaperRead, PaperVersion


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
    """The content-addressed store of this instance (papers and built board packs)."""
    return ContentStore(settings().storage_dir)


def last_reads(papers: Iterable[Paper], user: User | None) -> dict[int, int]:
    """The last version number `user` opened, per paper id."""
    return read_versions([p.id for p in papers], user)


_READ_VERSIONS = select(PaperRead.paper_id, PaperRead.version_number).where(
    PaperRead.user_id == bindparam("user_id"),
    PaperRead.paper_id.in_(bindparam("ids", expanding=True)),
)


def read_versions(ids: list[int], user: User | None) -> dict[int, int]:
    """The last version number `user` opened, per paper id of `ids`."""
    if not ids or user is None:
        return {}
    rows = db.session.execute(_READ_VERSIONS, {"user_id": user.id, "ids": ids})
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


def _opens_document() -> bool:
    """One read per opening: PDF.js fetches a document in many Range requests after the first."""
    ranges = request.range
    if ranges is None:
        return True
    return any(start == 0 for start, _ in ranges.ranges)


def _watermark_text(user: User, when: datetime) -> str:
    return f"{user.name} · {short(when)}"


def paper_response(
    paper: Paper,
    user: User,
    *,
    version_number: int | None = None,
    original: bool = False,
    as_attachment: bool = False,
) -> Response:
    """Serve a paper `user` may read: the watermark, the read record and the file."""
    version = paper.version(version_number)
    if version is None:
        raise NotFound(_l("Không tìm thấy phiên bản tài liệu."))
    store = content_store()
    if original or version.pdf_sha256 is None:
        if paper.is_classified and not paper.meeting.can_manage(user):
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
