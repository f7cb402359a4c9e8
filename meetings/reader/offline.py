"""Offline reading: what a tablet's service worker may keep, and what it must not."""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from flask import current_app, url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from cabinet.db import db
from cabinet.users.models import User
from meetings.models import Meeting, MeetingState
from meetings.reader.reading import paper_file_url

#: Meetings whose agenda and papers tablets keep for offline reading.
OFFLINE_STATES = frozenset({MeetingState.PUBLISHED, MeetingState.IN_SESSION})

_SHELL_FILES = (
    "vendor/pdfjs/pdf.mjs",
    "vendor/pdfjs/pdf.worker.mjs",
    "vendor/socket.io/socket.io.esm.min.js",
    "js/reader/reader.js",
    "js/reader/offline.js",
)


def _url(endpoint: str, **values: Any) -> str | None:
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def shell_urls() -> list[str]:
    """The app shell the service worker keeps: styles, scripts, fonts and PDF.js."""
    static = current_app.static_folder or ""
    names = list(_SHELL_FILES)
    for folder in ("css", "js", "vendor/fonts/be-vietnam-pro", "img"):
        root = os.path.join(static, folder)
        if not os.path.isdir(root):
            continue
        for dirpath, _dirs, files in os.walk(root):
            for name in sorted(files):
                if name.endswith((".css", ".js", ".mjs", ".woff2", ".svg")):
                    rel = os.path.relpath(os.path.join(dirpath, name), static)
                    names.append(rel.replace(os.sep, "/"))
    seen: dict[str, None] = {}
    for name in names:
        if os.path.isfile(os.path.join(static, name)):
            seen.setdefault(url_for("static", filename=name), None)
    return list(seen)


def offline_manifest(user: User) -> dict[str, Any]:
    """URLs `user` may keep offline: agenda pages and normal papers of published meetings.

    Classified papers are listed under `excluded` and never cached: they are watermarked
    per reader and must disappear at once when withdrawn.
    """
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.state.in_(list(OFFLINE_STATES))).order_by(Meeting.starts_at)
    )
    urls: dict[str, None] = dict.fromkeys(shell_urls())
    if (url := _url("meetings.my_meetings")) is not None:
        urls.setdefault(url, None)
    papers: list[dict[str, Any]] = []
    excluded: list[dict[str, Any]] = []
    for meeting in meetings:
        if not meeting.can_read(user):
            continue
        if (url := _url("meetings.detail", meeting_id=meeting.id)) is not None:
            urls.setdefault(url, None)
        for item in meeting.items:
            if not item.can_read(user):
                continue
            if (url := _url("meetings.item", item_id=item.id)) is not None:
                urls.setdefault(url, None)
            for paper in item.papers:
                if not paper.can_read(user) or paper.is_withdrawn:
                    continue
                if paper.is_classified:
                    excluded.append({"paper_id": paper.id, "reason": "classified"})
                    continue
                version = paper.current_version
                if version is None or version.pdf_sha256 is None:
                    continue
                paper_urls = [
                    url_for("reader.paper", paper_id=paper.id),
                    url_for("reader.paper", paper_id=paper.id, v=version.number),
                    paper_file_url(paper, version),
                ]
                urls.update(dict.fromkeys(paper_urls))
                papers.append({"paper_id": paper.id, "meeting_id": meeting.id, "urls": paper_urls})
    url_list = list(urls)
    digest = hashlib.sha256(json.dumps(url_list).encode()).hexdigest()[:16]
    return {"version": digest, "urls": url_list, "papers": papers, "excluded": excluded}
