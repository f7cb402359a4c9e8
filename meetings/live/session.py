"""Opening, suspending, resuming and closing a session: the chair's moves that frame the live
session (the secretariat at the console may make them for the chair)."""

from __future__ import annotations

from cabinet.audit import record
from cabinet.db import db, utcnow
from cabinet.realtime import emit_after_commit, meeting_room, user_room
from cabinet.users.models import User
from meetings import hooks
from meetings.live.attendance import check_in
from meetings.live.current_item import item_progress, live_session, set_current_item, stop_timer
from meetings.live.models import AttendanceMode, LiveSession
from meetings.models import Meeting


def suspension(meeting: Meeting) -> dict | None:
    """The suspension of an open session as tablets show it (None while it runs)."""
    if not meeting.is_suspended:
        return None
    return {"at": meeting.suspended_at.isoformat(), "reason": meeting.suspension_reason or ""}


def _announce_state(meeting: Meeting) -> None:
    payload = {
        "meeting_id": meeting.id,
        "state": str(meeting.state),
        "phase": meeting.phase,
        "suspended": suspension(meeting),
    }
    emit_after_commit("meeting.state_changed", payload, room=meeting_room(meeting.id))
    # People outside the room ("My meetings") see the session open and close too.
    for user_id in meeting.participant_ids() | meeting.item_invitee_ids():
        emit_after_commit("meeting.state_changed", payload, room=user_room(user_id))


def open_session(meeting: Meeting, actor: User) -> LiveSession:
    """The chair opens the session: attendance starts with the chair present in the room
    (they are there: they opened it), the first item becomes current."""
    meeting.open_session()
    session = live_session(meeting) or LiveSession(meeting_id=meeting.id)
    session.started_at = utcnow()
    db.session.add(session)
    db.session.flush()
    record("meeting.session_opened", meeting, actor=actor)
    _announce_state(meeting)
    if meeting.can_chair(actor):
        check_in(meeting, actor, AttendanceMode.IN_ROOM)
    if meeting.items:
        set_current_item(meeting, actor, meeting.items[0])
    return session


def close_session(meeting: Meeting, actor: User) -> None:
    """The chair closes the session; a close guard (an open vote) may refuse."""
    hooks.close_guards.collect(meeting)  # a guard raises when the session may not close
    session = live_session(meeting)
    if session is not None and session.current_item_id is not None:
        stop_timer(session.current_item_id)
    meeting.close_session()
    db.session.flush()
    record("meeting.session_closed", meeting, actor=actor)
    hooks.session_closed.collect(meeting, actor)  # records drafts the minutes
    _announce_state(meeting)


def suspend_session(meeting: Meeting, actor: User, reason: str = "") -> None:
    """Suspend the open session: refused while a vote is open (a guard); the current item's
    timer stops; nobody may ask to speak or open a vote until it resumes."""
    meeting.ensure_in_session()
    if not meeting.is_suspended:
        hooks.suspend_guards.collect(meeting)  # a guard raises when it may not be suspended
    meeting.suspend(reason)
    session = live_session(meeting)
    if session is not None and session.current_item_id is not None:
        stop_timer(session.current_item_id)
    db.session.flush()
    record(
        "meeting.session_suspended",
        meeting,
        data={"reason": meeting.suspension_reason},
        actor=actor,
    )
    _announce_state(meeting)


def resume_session(meeting: Meeting, actor: User) -> None:
    """Resume a suspended session: the current item's timer runs again."""
    meeting.resume()
    session = live_session(meeting)
    if session is not None and session.current_item is not None:
        item_progress(session.current_item).running_since = utcnow()
    db.session.flush()
    record("meeting.session_resumed", meeting, actor=actor)
    _announce_state(meeting)
