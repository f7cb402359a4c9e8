"""Upload checks, the content-addressed store, watermarking and file serving."""

from cabinet.storage.convert import convert_to_pdf, soffice_binary, store_pdf_rendition
from cabinet.storage.serving import content_disposition, send_stored
from cabinet.storage.store import ContentStore
from cabinet.storage.uploads import (
    DEFAULT_ALLOWED,
    MEDIA_TYPES,
    REASONS,
    StoredUpload,
    UploadRejected,
    check_and_store,
    detect_kind,
    sanitize_filename,
)
from cabinet.storage.watermark import watermark_path, watermarked_copy

__all__ = [
    "DEFAULT_ALLOWED",
    "MEDIA_TYPES",
    "REASONS",
    "ContentStore",
    "StoredUpload",
    "UploadRejected",
    "check_and_store",
    "content_disposition",
    "convert_to_pdf",
    "detect_kind",
    "sanitize_filename",
    "send_stored",
    "soffice_binary",
    "store_pdf_rendition",
    "watermark_path",
    "watermarked_copy",
]
