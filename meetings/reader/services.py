"""Reader operations: reads, private notes, the offline manifest and board pack builds.

Functions here flush and audit; the view, API or background task commits once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.errors import InvalidState, NotFound, ValidationFailed
from cabinet.storage import ContentStore
from meetings.models import (
    Classification,
    Meeting,
    MeetingState,
    Paper,
    PaperVersion,
)
from meetings.reader.boardpack import PackPlan, build_pack_file, plan_for
from meetings.reader.models import BoardPack, PaperNote

log = logging.getLogger(__name__)

#: Meetings whose agenda and papers tablets keep for offline reading.
OFFLINE_STATES = frozenset({MeetingState.PUBLISHED, MeetingState.IN_SESSION})


class PaperNotReadable(InvalidState):
    """The paper has no PDF to read (download only) or the version asked for does not exist."""

    code = "reader.not_readable"
    default_message = _l("Tài liệu này không có bản PDF để đọc; hãy tải bản gốc.")


class BoardPackNotBuilt(NotFound):
    """The board pack for this set of papers has not been built yet."""

    code = "boardpack.not_built"
    default_message = _l("Bộ tài liệu phiên họp chưa được tạo. Hãy bấm “Tạo bộ tài liệu”.")


# -- reading -----------------------------------------------------------------------------


def version_to_read(paper: Paper, number: int | None) -> PaperVersion:
    """The version a reader opens: the current one, or an older one by number."""
    if number is None:
        version = paper.current_version
    else:
        version = next((v for v in paper.versions if v.number == number), None)
    if version is None:
        raise NotFound(_l("Không tìm thấy phiên bản %(n)s của tài liệu.", n=number or ""))
    if version.pdf_sha256 is None:
        raise PaperNotReadable()
    return version


# -- private notes -----------------------------------------------------------------------


def notes_of(paper: Paper, user) -> list[PaperNote]:
    """The notes `user` wrote on `paper`, by page then time (never anyone else's)."""
    return list(
        db.session.scalars(
            select(PaperNote)
            .where(PaperNote.paper_id == paper.id, PaperNote.author_id == user.id)
            .order_by(PaperNote.page, PaperNote.created_at, PaperNote.id)
        )
    )


def own_note(note_id: int, user) -> PaperNote:
    """Load a note for its author; anyone else gets NotFound so existence does not leak."""
    note = db.session.get(PaperNote, note_id)
    if note is None or not note.is_visible_to(user):
        raise NotFound()
    return note


def add_note(paper: Paper, user, *, page: int, text: str, version: int | None = None) -> PaperNote:
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
    """Change a note's text (the caller has checked it is the author's)."""
    note.text = text.strip()
    note.updated_at = utcnow()
    db.session.flush()
    return note


def delete_note(note: PaperNote, user) -> None:
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


def note_dict(note: PaperNote) -> dict[str, Any]:
    """A note as plain data (for the JSON export)."""
    return {
        "id": note.id,
        "page": note.page,
        "page_label": str(_l("Trang %(page)s", page=note.page)),
        "version": note.version_number,
        "text": note.text,
        "created_at": note.created_at.isoformat() if note.created_at else None,
        "updated_at": note.updated_at.isoformat() if note.updated_at else None,
    }


def export_notes_json(user) -> dict[str, Any]:
    """Every note of `user`, grouped by paper, for the personal JSON export."""
    notes = db.session.scalars(
        select(PaperNote)
        .where(PaperNote.author_id == user.id)
        .order_by(PaperNote.paper_id, PaperNote.page, PaperNote.id)
    )
    papers: dict[int, dict[str, Any]] = {}
    for note in notes:
        entry = papers.get(note.paper_id)
        if entry is None:
            paper = note.paper
            meeting = paper.meeting
            entry = papers[note.paper_id] = {
                "paper_id": paper.id,
                "paper_title": paper.title,
                "meeting_id": meeting.id,
                "meeting_title": meeting.title,
                "notes": [],
            }
        entry["notes"].append(note_dict(note))
    return {
        "author": user.name,
        "exported_at": utcnow().isoformat(),
        "papers": list(papers.values()),
    }


# -- offline reading ---------------------------------------------------------------------

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


def paper_file_url(paper: Paper, version: PaperVersion) -> str:
    """The immutable URL of one version's reading PDF (the meetings download route)."""
    return url_for("meetings.paper_file", paper_id=paper.id, v=version.number)


def offline_manifest(user) -> dict[str, Any]:
    """URLs `user` may keep offline: agenda pages and normal papers of published meetings.

    Classified papers are listed under `excluded` and never cached: they are watermarked
    per reader and must disappear at once when withdrawn.
    """
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.state.in_(list(OFFLINE_STATES))).order_by(Meeting.starts_at)
    )
    urls: dict[str, None] = dict.fromkeys(shell_urls())
    for endpoint in ("meetings.my_meetings",):
        if (url := _url(endpoint)) is not None:
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
                if Classification(paper.classification) != Classification.NORMAL:
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


# -- board pack --------------------------------------------------------------------------


def content_store() -> ContentStore:
    """The app's content-addressed store (papers and built packs)."""
    return ContentStore(settings().storage_dir)


def cached_pack(key: str) -> BoardPack | None:
    """The stored pack for this plan key, if it was built and its file is still there."""
    pack = db.session.scalar(select(BoardPack).where(BoardPack.key == key))
    if pack is None or not content_store().exists(pack.sha256):
        return None
    return pack


def ensure_pack_allowed(meeting: Meeting, user) -> None:
    """Only people who may read the meeting get a pack; drafts only for the secretariat."""
    if not meeting.can_read(user):
        raise NotFound()


def build_board_pack(meeting: Meeting, user, *, progress=None) -> tuple[BoardPack, bool]:
    """Build (or find in the cache) the board pack `user` may receive; returns (pack, hit)."""
    plan = plan_for(meeting, user)
    key = plan.key()
    pack = cached_pack(key)
    if pack is not None:
        if progress is not None:
            progress(100)
        return pack, True
    store = content_store()
    started = time.perf_counter()
    with store.spool() as (out, temp):
        pages = build_pack_file(
            plan, store.path_for, out, timezone=settings().timezone, progress=progress
        )
        out.flush()
        os.fsync(out.fileno())
        out.seek(0)
        digest = hashlib.sha256()
        while chunk := out.read(1024 * 1024):
            digest.update(chunk)
        sha = digest.hexdigest()
        size = out.tell()
        store.adopt(temp, sha)
    pack = BoardPack(
        meeting_id=meeting.id,
        key=key,
        sha256=sha,
        size=size,
        page_count=pages,
        built_by_id=getattr(user, "id", None),
        build_seconds=time.perf_counter() - started,
    )
    try:
        with db.session.begin_nested():
            # A stale row (file lost) is replaced; a concurrent build of the same key wins.
            db.session.execute(BoardPack.__table__.delete().where(BoardPack.key == key))
            db.session.add(pack)
    except IntegrityError:
        pack = db.session.scalar(select(BoardPack).where(BoardPack.key == key))
    return pack, False


# In-process registry of running builds: key -> {"percent", "users", "status"}.
_builds: dict[str, dict[str, Any]] = {}
_builds_lock = threading.Lock()


def pack_url(meeting: Meeting) -> str:
    """Where the signed-in person downloads their board pack."""
    return url_for("reader.boardpack_download", meeting_id=meeting.id)


def board_pack_status(meeting: Meeting, user, plan: PackPlan | None = None) -> dict[str, Any]:
    """Ready (with its URL), building (with a percentage), failed, or absent."""
    plan = plan or plan_for(meeting, user)
    key = plan.key()
    status: dict[str, Any] = {
        "meeting_id": meeting.id,
        "paper_count": plan.paper_count,
        "url": None,
        "size": None,
        "page_count": None,
    }
    pack = cached_pack(key)
    if pack is not None:
        return status | {
            "status": "ready",
            "percent": 100,
            "url": pack_url(meeting),
            "size": pack.size,
            "page_count": pack.page_count,
        }
    with _builds_lock:
        build = _builds.get(key)
        if build is not None:
            return status | {"status": build["status"], "percent": build["percent"]}
    return status | {"status": "absent", "percent": 0}


def request_board_pack(meeting: Meeting, user) -> dict[str, Any]:
    """Start building the pack in the background unless it is cached or already building."""
    from cabinet.extensions import socketio

    plan = plan_for(meeting, user)
    key = plan.key()
    status = board_pack_status(meeting, user, plan)
    if status["status"] == "ready":
        return status
    with _builds_lock:
        build = _builds.get(key)
        if build is not None and build["status"] == "building":
            build["users"].add(user.id)
            return status | {"status": "building", "percent": build["percent"]}
        _builds[key] = {"percent": 0, "users": {user.id}, "status": "building"}
    app = current_app._get_current_object()
    socketio.start_background_task(_build_in_background, app, meeting.id, user.id, key)
    return status | {"status": "building", "percent": 0}


def _emit_to_builders(key: str, event: str, payload: dict[str, Any]) -> None:
    from cabinet.extensions import socketio
    from cabinet.realtime import user_room

    with _builds_lock:
        users = set(_builds.get(key, {}).get("users", ()))
    for uid in users:
        socketio.emit(event, payload, to=user_room(uid))


def _build_in_background(app, meeting_id: int, user_id: int, key: str) -> None:
    """Background task: build, commit, then tell every person waiting for this key."""
    from cabinet.users.models import User

    with app.app_context():
        base_url = settings().public_url
    # A request context so url_for builds the download URL sent with "boardpack.ready".
    with app.test_request_context(base_url=base_url):
        last = {"percent": -1}

        def progress(percent: int) -> None:
            # One event per whole percent at most: a 500-page pack must not flood the socket.
            if percent == last["percent"]:
                return
            last["percent"] = percent
            with _builds_lock:
                if key in _builds:
                    _builds[key]["percent"] = percent
            _emit_to_builders(
                key, "boardpack.progress", {"meeting_id": meeting_id, "percent": percent}
            )

        try:
            meeting = db.session.get(Meeting, meeting_id)
            user = db.session.get(User, user_id)
            if meeting is None or user is None:
                raise NotFound()
            pack, _hit = build_board_pack(meeting, user, progress=progress)
            db.session.commit()
            _emit_to_builders(
                key,
                "boardpack.ready",
                {
                    "meeting_id": meeting_id,
                    "url": pack_url(meeting),
                    "size": pack.size,
                    "page_count": pack.page_count,
                },
            )
            with _builds_lock:
                _builds.pop(key, None)
        except Exception:
            log.exception("board pack build failed for meeting %s", meeting_id)
            db.session.rollback()
            _emit_to_builders(
                key,
                "boardpack.failed",
                {
                    "meeting_id": meeting_id,
                    "message": str(_l("Không tạo được bộ tài liệu. Vui lòng thử lại.")),
                },
            )
            with _builds_lock:
                # Dropped rather than kept as "failed" so that a new request retries.
                _builds.pop(key, None)
        finally:
            db.session.remove()
