"""Board packs: one PDF per meeting and reader, built in the background and cached by plan.

The build runs outside the request (a Socket.IO background task) and commits its own row;
the people waiting for it hear `boardpack.progress`, then `boardpack.ready` or `.failed`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cabinet.config import settings
from cabinet.db import db
from cabinet.errors import NotFound
from cabinet.extensions import socketio
from cabinet.realtime import user_room
from cabinet.users.models import User
from meetings.models import Meeting
from meetings.papers.files import content_store
from meetings.reader.boardpack import PackPlan, build_pack_file, plan_for
from meetings.reader.models import BoardPack
from meetings.reader.schemas import BoardPackStatusSchema

log = logging.getLogger(__name__)


class BoardPackNotBuilt(NotFound):
    """The board pack for this set of papers has not been built yet."""

    code = "boardpack.not_built"
    default_message = _l("Bộ tài liệu phiên họp chưa được tạo. Hãy bấm “Tạo bộ tài liệu”.")


def cached_pack(key: str) -> BoardPack | None:
    """The stored pack for this plan key, if it was built and its file is still there."""
    pack = db.session.scalar(select(BoardPack).where(BoardPack.key == key))
    if pack is None or not content_store().exists(pack.sha256):
        return None
    return pack


def build_board_pack(
    meeting: Meeting, user: User, *, progress: Callable[[int], None] | None = None
) -> tuple[BoardPack, bool]:
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
        pages = build_pack_file(plan, store.path_for, out, progress=progress)
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


def board_pack_status(meeting: Meeting, user: User, plan: PackPlan | None = None) -> dict:
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


def request_board_pack(meeting: Meeting, user: User) -> dict[str, Any]:
    """Start building the pack in the background unless it is cached or already building."""
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
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    socketio.start_background_task(_build_in_background, app, meeting.id, user.id, key)
    return status | {"status": "building", "percent": 0}


def _emit_to_builders(key: str, event: str, payload: dict[str, Any]) -> None:
    with _builds_lock:
        users = set(_builds.get(key, {}).get("users", ()))
    for uid in users:
        socketio.emit(event, payload, to=user_room(uid))


def _build_in_background(app: Flask, meeting_id: int, user_id: int, key: str) -> None:
    """Background task: build, commit, then tell every person waiting for this key."""
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
            payload = {"meeting_id": meeting_id, "percent": percent}
            _emit_to_builders(key, "boardpack.progress", _PROGRESS.dump(payload))

        try:
            meeting = db.session.get(Meeting, meeting_id)
            user = db.session.get(User, user_id)
            if meeting is None or user is None:
                raise NotFound()
            pack, _hit = build_board_pack(meeting, user, progress=progress)
            db.session.commit()  # a background job: its own unit of work
            ready = {
                "meeting_id": meeting_id,
                "url": pack_url(meeting),
                "size": pack.size,
                "page_count": pack.page_count,
            }
            _emit_to_builders(key, "boardpack.ready", _READY.dump(ready))
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


_PROGRESS = BoardPackStatusSchema(only=("meeting_id", "percent"))
_READY = BoardPackStatusSchema(only=("meeting_id", "url", "size", "page_count"))
