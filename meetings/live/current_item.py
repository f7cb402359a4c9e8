"""The item under discussion and its timer (server-authoritative; tablets count from it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from cabinet.audit import record
from cabinet.db import db, utcnow
from cabinet.errors import NotFound
from cabinet.realtime import emit_after_commit, meeting_room
from cabinet.users.models import User
from meetings.live.models import ItemProgress, LiveSession
from meetings.live.schemas import CurrentItemSchema
from meetings.models import AgendaItem, Meeting


def live_session(meeting: Meeting) -> LiveSession | None:
    """The running state of the session, if it was opened."""
    return db.session.get(LiveSession, meeting.id)


def current_item_id(meeting: Meeting) -> int | None:
    """The id of the item under discussion (None before the first, or without a session)."""
    return db.session.scalar(
        select(LiveSession.current_item_id).where(LiveSession.meeting_id == meeting.id)
    )


def item_progress(item: AgendaItem) -> ItemProgress:
    """The timer and speakers'-list state of `item`, created on first use."""
    progress = db.session.get(ItemProgress, item.id)
    if progress is None:
        progress = ItemProgress(item_id=item.id, meeting_id=item.meeting_id, elapsed_seconds=0)
        db.session.add(progress)
    return progress


def stop_timer(item_id: int) -> None:
    """Pause the timer of an item: the time so far is kept for its next turn."""
    progress = db.session.get(ItemProgress, item_id)
    if progress is not None and progress.running_since is not None:
        progress.elapsed_seconds = progress.elapsed()
        progress.running_since = None


def current_item_state(meeting: Meeting) -> dict[str, Any] | None:
    """The item under discussion with its timer, to be dumped with CurrentItemSchema."""
    session = live_session(meeting)
    if session is None or session.current_item is None:
        return None
    item = session.current_item
    progress = db.session.get(ItemProgress, item.id)
    return {
        "meeting_id": meeting.id,
        "item_id": item.id,
        "position": item.position,
        "number": meeting.items.index(item) + 1 if item in meeting.items else item.position,
        "planned_minutes": item.planned_minutes,
        "elapsed_seconds": progress.elapsed_seconds if progress else 0,
        "running_since": progress.running_since if progress else None,
        "server_now": utcnow(),
    }


def current_item_payload(meeting: Meeting) -> dict[str, Any] | None:
    """The item under discussion with its timer, as every tablet shows it."""
    state = current_item_state(meeting)
    return None if state is None else CurrentItemSchema().dump(state)


def set_current_item(meeting: Meeting, actor: User, item: AgendaItem) -> dict[str, Any]:
    """Move the session to `item` of `meeting`: its timer runs, the previous item's pauses."""
    meeting.ensure_in_session()
    if item.meeting_id != meeting.id:
        raise NotFound()
    session = live_session(meeting) or LiveSession(meeting_id=meeting.id)
    db.session.add(session)
    if session.current_item_id == item.id:
        return current_item_payload(meeting) or {}
    if session.current_item_id is not None:
        stop_timer(session.current_item_id)
    session.current_item_id = item.id
    session.current_item = item
    # A suspended session keeps its clocks still: the timer starts when the session resumes.
    item_progress(item).running_since = None if meeting.is_suspended else utcnow()
    db.session.flush()
    record("session.current_item", item, data={"meeting_id": meeting.id}, actor=actor)
    payload = current_item_payload(meeting) or {}
    emit_after_commit("session.current_item", payload, room=meeting_room(meeting.id))
    return payload
