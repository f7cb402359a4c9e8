"""Upload checking: what a file *is* comes from its bytes, never from its name.

A paper is streamed to a temp file inside the store while it is hashed and measured (papers reach
50 MB and more: never whole in memory), then identified by content (PDF magic, or an Office Open
XML package with the right main part), then a PDF must open and must not be encrypted. Any refusal
raises :class:`UploadRejected` with a message saying exactly what is wrong, and nothing is kept.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, BinaryIO
from xml.etree import ElementTree

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader

from cabinet.errors import ValidationFailed
from cabinet.storage import package
from cabinet.storage.package import (
    MAX_UNZIPPED,
    PackageTooLarge,
    count_pages,
    has_macros,
    inflated_size,
    strip_active_content,
)
from cabinet.storage.store import CHUNK, ContentStore

DEFAULT_ALLOWED = frozenset({"pdf", "docx", "xlsx", "pptx"})

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

# The content type of the main part, as declared in [Content_Types].xml.
_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_MAX_CONTENT_TYPES_XML = 1024 * 1024

MAX_NAME_LENGTH = 150
_WINDOWS_RESERVED = set('<>:"|?*')
_BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}

REASONS = ("too_large", "bad_type", "broken_pdf", "encrypted_pdf", "empty", "bad_name")


class UploadRejected(ValidationFailed):
    """An upload refused by the checks; ``reason`` is one of :data:`REASONS`."""

    code = "upload.rejected"

    def __init__(self, reason: str, message: Any, **details: Any) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown upload refusal reason: {reason}")
        super().__init__(message, fields={"file": [message]}, reason=reason, **details)
        self.reason = reason
        self.code = f"upload.{reason}"


@dataclass(frozen=True, slots=True)
class StoredUpload:
    """A checked file in the content store."""

    sha256: str
    size: int
    media_type: str
    kind: str  # "pdf" | "docx" | "xlsx" | "pptx"
    display_name: str
    page_count: int | None


def sanitize_filename(filename: str | None, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """A safe display name from a client's filename, or :class:`UploadRejected` ("bad_name")."""
    name = unicodedata.normalize("NFC", (filename or "")).strip()
    if not name:
        raise UploadRejected("bad_name", _l("Tệp chưa có tên. Hãy chọn lại tệp."))
    if any(unicodedata.category(ch) in _BAD_CATEGORIES for ch in name):
        # Includes right-to-left overrides that disguise "fdp.exe" as "exe.pdf".
        raise UploadRejected("bad_name", _l("Tên tệp chứa ký tự điều khiển không hợp lệ."))
    if "/" in name or "\\" in name or name.strip(". ") == "":
        raise UploadRejected(
            "bad_name", _l("Tên tệp không được chứa đường dẫn (/, \\ hoặc ..). Hãy đổi tên tệp.")
        )
    name = "".join("_" if ch in _WINDOWS_RESERVED else ch for ch in name).lstrip(". ")
    return _shorten(name, max_length)


def _shorten(name: str, max_length: int) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, ext = name, ""
    room = max_length - (len(ext) + 1 if ext else 0)
    stem = stem[:room].rstrip(" .") or "tep"
    return f"{stem}.{ext}" if ext else stem


def _with_extension(name: str, kind: str) -> str:
    """The display name ending in the extension of the detected kind (a PDF named .docx is a PDF)."""
    stem, dot, ext = name.rpartition(".")
    if dot and ext.lower() == kind:
        return name
    if dot and len(ext) <= 10:
        name = stem
    return _shorten(f"{name}.{kind}", MAX_NAME_LENGTH)


def detect_kind(handle: BinaryIO) -> str:
    """The kind of file from its content: "pdf", "docx", "xlsx", "pptx", or a refusal."""
    handle.seek(0)
    head = handle.read(1024)
    handle.seek(0)
    if b"%PDF-" in head:
        # The spec tolerates junk before the header within the first 1024 bytes.
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UploadRejected(
            "bad_type",
            _l(
                "Định dạng Office cũ (.doc, .xls, .ppt) không được chấp nhận. "
                "Hãy lưu lại thành PDF, DOCX, XLSX hoặc PPTX."
            ),
        )
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(handle)
    raise _not_a_document()


def _not_a_document() -> UploadRejected:
    return UploadRejected(
        "bad_type",
        _l(
            "Nội dung tệp không phải PDF hay tài liệu Word, Excel, PowerPoint (DOCX, XLSX, PPTX). "
            "Loại tệp được xác định theo nội dung, không theo tên tệp."
        ),
    )


def _office_kind(handle: BinaryIO) -> str:
    try:
        with zipfile.ZipFile(handle) as package:
            infos = {info.filename: info for info in package.infolist()}
            # Measured, not declared: every part is inflated and counted (a lie fails its CRC).
            inflated_size(package)
            types = infos.get("[Content_Types].xml")
            if types is None or types.file_size > _MAX_CONTENT_TYPES_XML:
                raise _not_a_document()
            root = ElementTree.fromstring(package.read(types))
            overrides = [
                (o.get("ContentType", ""), o.get("PartName", "").lstrip("/"))
                for o in root.iter(f"{_CT_NS}Override")
            ]
            defaults = [d.get("ContentType", "") for d in root.iter(f"{_CT_NS}Default")]
            # Every declaration and every part is looked at before the kind is decided.
            if has_macros(package, [ct for ct, _ in overrides] + defaults):
                raise UploadRejected(
                    "bad_type",
                    _l("Tài liệu có macro (DOCM, XLSM, PPTM) không được chấp nhận."),
                )
            for content_type, part in overrides:
                kind = _MAIN_PARTS.get(content_type)
                if kind and str(PurePosixPath(part)) in infos:
                    return kind
    except PackageTooLarge:
        raise UploadRejected(
            "too_large",
            _l("Tài liệu giải nén ra quá lớn (trên %(limit)s).", limit=_human_size(MAX_UNZIPPED)),
        ) from None
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError, EOFError):
        pass
    finally:
        handle.seek(0)
    raise _not_a_document()


def _pdf_page_count(handle: BinaryIO, max_pages: int) -> int:
    """Open the PDF with pypdf from the open file (pypdf would read a *path* whole into memory).

    The pages are counted by walking the page tree, not read from the file's /Count claim.
    """
    handle.seek(0)
    try:
        reader = PdfReader(handle)
        encrypted = reader.is_encrypted
    except Exception as exc:
        raise _broken_pdf() from exc
    if encrypted:
        raise UploadRejected(
            "encrypted_pdf",
            _l(
                "Tệp PDF đang được đặt mật khẩu hoặc mã hoá nên không thể phát hành. "
                "Hãy gỡ bảo vệ rồi tải lên lại."
            ),
        )
    try:
        count = count_pages(reader, max_pages)
        if count:
            _ = reader.pages[0].mediabox
    except Exception as exc:
        raise _broken_pdf() from exc
    if count == 0:
        raise _broken_pdf()
    if count > max_pages:
        raise UploadRejected(
            "too_large",
            _l("Tệp PDF có quá nhiều trang (tối đa %(n)s trang).", n=max_pages),
            limit=max_pages,
        )
    return count


def _broken_pdf() -> UploadRejected:
    return UploadRejected(
        "broken_pdf",
        _l("Không mở được tệp PDF: tệp bị hỏng hoặc chưa tải lên đầy đủ. Hãy xuất lại tệp PDF."),
    )


def _configured_max_pages() -> int:
    """ECABINET_PDF_MAX_PAGES when an application runs, else the default."""
    if has_app_context() and "ecabinet.settings" in current_app.extensions:
        return current_app.extensions["ecabinet.settings"].pdf_max_pages
    return package.DEFAULT_MAX_PAGES


def _without_active_content(handle: BinaryIO) -> bytes | None:
    try:
        return strip_active_content(handle)
    except Exception as exc:  # pypdf could read it but not rewrite it: refuse rather than keep
        raise _broken_pdf() from exc
    finally:
        handle.seek(0, os.SEEK_END)


def _human_size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def check_and_store(
    stream: BinaryIO,
    filename: str,
    *,
    store: ContentStore,
    max_bytes: int,
    allowed: set[str] | frozenset[str] = DEFAULT_ALLOWED,
    max_pages: int | None = None,
) -> StoredUpload:
    """Check an uploaded file and keep it in the content store, or raise :class:`UploadRejected`."""
    display_name = sanitize_filename(filename)
    digest = hashlib.sha256()
    size = 0
    with store.spool() as (out, temp):
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                # Stop reading at once: the rest of an oversized body is never written.
                raise UploadRejected(
                    "too_large",
                    _l(
                        "Tệp vượt quá giới hạn %(limit)s cho phép. Hãy nén hoặc tách tệp.",
                        limit=_human_size(max_bytes),
                    ),
                    limit=max_bytes,
                )
            digest.update(chunk)
            out.write(chunk)
        if size == 0:
            raise UploadRejected("empty", _l("Tệp trống (0 byte). Hãy chọn lại tệp."))
        out.flush()
        kind = detect_kind(out)
        if kind not in allowed:
            raise UploadRejected(
                "bad_type",
                _l(
                    "Loại tệp %(kind)s không được chấp nhận ở đây. Chỉ nhận: %(allowed)s.",
                    kind=kind.upper(),
                    allowed=", ".join(k.upper() for k in sorted(allowed)),
                ),
            )
        page_count = None
        if kind == "pdf":
            page_count = _pdf_page_count(out, max_pages or _configured_max_pages())
            if (cleaned := _without_active_content(out)) is not None:
                # The reading copy is the cleaned file: it is what gets hashed and kept.
                out.seek(0)
                out.truncate()
                out.write(cleaned)
                out.flush()
                digest, size = hashlib.sha256(cleaned), len(cleaned)
        os.fsync(out.fileno())
        sha = digest.hexdigest()
        store.adopt(temp, sha)
    return StoredUpload(
        sha256=sha,
        size=size,
        media_type=MEDIA_TYPES[kind],
        kind=kind,
        display_name=_with_extension(display_name, kind),
        page_count=page_count,
    )
