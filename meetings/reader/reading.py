"""Which version a reader opens, and the URL of its reading PDF."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from cabinet.errors import InvalidState, NotFound
from meetings.models import Paper, PaperVersion


class PaperNotReadable(InvalidState):
    """The paper has no PDF to read (download only) or the version asked for does not exist."""

    code = "reader.not_readable"
    default_message = _l("Tài liệu này không có bản PDF để đọc; hãy tải bản gốc.")


def version_to_read(paper: Paper, number: int | None) -> PaperVersion:
    """The version a reader opens: the current one, or an older one by number."""
    version = paper.version(number)
    if version is None:
        raise NotFound(_l("Không tìm thấy phiên bản %(n)s của tài liệu.", n=number or ""))
    if version.pdf_sha256 is None:
        raise PaperNotReadable()
    return version


def paper_file_url(paper: Paper, version: PaperVersion) -> str:
    """The immutable URL of one version's reading PDF (the meetings download route)."""
    return url_for("meetings.paper_file", paper_id=paper.id, v=version.number)
