"""The ballots blueprint and what its pages share: serving stored files to a reader."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response
from flask_babel import lazy_gettext as _l

from cabinet.audit import record
from cabinet.config import settings
from cabinet.dates import vn_datetime
from cabinet.db import utcnow
from cabinet.errors import Forbidden
from cabinet.storage import ContentStore, send_stored, watermarked_copy
from cabinet.users import current_person

bp = Blueprint("ballots", __name__, url_prefix="/ballots")

CLASSIFICATIONS = ("normal", "restricted", "secret")


def serve_file(
    sha256: str,
    name: str,
    mime: str,
    *,
    classified: bool,
    audited: Any,
    audit_data: dict,
    as_attachment: bool = False,
) -> Response:
    """Send a stored file; a classified one is watermarked with the reader and the read audited."""
    config = settings()
    store = ContentStore(config.storage_dir)
    user = current_person()
    path = store.path_for(sha256)
    if classified:
        if mime != "application/pdf":
            raise Forbidden(_l("Tài liệu mật chỉ được đọc trực tuyến dưới dạng PDF có đóng dấu."))
        stamp = f"{user.name} · {vn_datetime(utcnow())}"
        path = watermarked_copy(store, sha256, user.id, stamp)
        record("paper.read", audited, data=audit_data)
    return send_stored(
        path,
        download_name=name,
        mimetype=mime,
        x_accel=config.x_accel_redirect,
        x_accel_root=config.storage_dir,
        etag=None if not classified else f"{sha256}-{user.id}",
        as_attachment=as_attachment,
    )
