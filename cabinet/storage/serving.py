"""Serving stored files: ETag, conditional GET, Range, private caching, optional X-Accel-Redirect.

Stored files never change (a new version is a new hash), so the hash is a strong ETag. Responses
are ``private, no-cache``: browsers and the tablet's service worker may keep a copy but must
revalidate (a cheap 304), so a withdrawn paper stops being served at once.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from urllib.parse import quote

from flask import Response, request
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.wsgi import wrap_file

# Werkzeug's default 8 KiB blocks cost one Python round trip per 8 KiB: 20 MB is 2,560 of them.
SEND_BUFFER = 512 * 1024


def content_disposition(download_name: str, *, as_attachment: bool = False) -> str:
    """A Content-Disposition value safe for any name (RFC 6266 + RFC 5987 for Vietnamese)."""
    kind = "attachment" if as_attachment else "inline"
    simple = unicodedata.normalize("NFKD", download_name).encode("ascii", "ignore").decode()
    simple = "".join(ch for ch in simple if ch.isprintable() and ch not in '"\\') or "download"
    if simple == download_name:
        return f'{kind}; filename="{simple}"'
    quoted = quote(download_name, safe="!#$&+-.^_`|~")
    return f"{kind}; filename=\"{simple}\"; filename*=UTF-8''{quoted}"


def send_stored(
    path: Path,
    *,
    download_name: str,
    mimetype: str,
    x_accel: bool,
    x_accel_prefix: str = "/_protected/",
    x_accel_root: Path | None = None,
    etag: str | None = None,
    as_attachment: bool = False,
) -> Response:
    """Serve a stored file to the current request (304/206 handled) or hand it to nginx.

    ``etag`` defaults to the content address (``ab`` + ``cdef...``) of a file in the store.
    With ``x_accel`` the body is empty and nginx serves ``x_accel_prefix`` + the path relative to
    ``x_accel_root`` (required then), which an ``internal`` location maps to the store.
    """
    path = Path(path)
    tag = etag or f"{path.parent.name}{path.name}"
    headers = {
        "Content-Disposition": content_disposition(download_name, as_attachment=as_attachment),
        "X-Content-Type-Options": "nosniff",
    }
    if x_accel:
        if x_accel_root is None:
            raise ValueError("x_accel_root is required with x_accel")
        relative = path.resolve().relative_to(Path(x_accel_root).resolve()).as_posix()
        response = Response(b"", mimetype=mimetype, headers=headers)
        response.headers["X-Accel-Redirect"] = x_accel_prefix.rstrip("/") + "/" + quote(relative)
        response.set_etag(tag)
        response.cache_control.private = True
        response.cache_control.no_cache = True
        # nginx answers the conditional and Range parts itself from the file.
        return response

    size = path.stat().st_size
    handle = path.open("rb")
    response = Response(
        wrap_file(request.environ, handle, buffer_size=SEND_BUFFER),
        mimetype=mimetype,
        headers=headers,
        direct_passthrough=True,
    )
    response.content_length = size
    response.set_etag(tag)
    response.cache_control.private = True
    response.cache_control.no_cache = True
    try:
        response = response.make_conditional(
            request.environ, accept_ranges=True, complete_length=size
        )
    except RequestedRangeNotSatisfiable:
        handle.close()
        raise
    if response.status_code == 304:
        handle.close()
    return response
