"""The speakers' list of an item: requests in the order asked, the chair gives the floor.

Names on a restricted item reach only the people who may read it.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.audit import record
from cabinet.db import db, utcnow
from cabinet.errors import InvalidState, NotFound
from cabinet.realtime import emit_after_commit, meeting_room, user_room
from cabinet.users.models import User
from meetings.live.attendance import deputy_seat_for, is_member, member_ids
from meetings.live.current_item import item_progress, live_session
from meetings.live.models import (
    ItemProgress,
    LiveSession,
    SpeakerCapacity,
    SpeakerStatus,
    SpeakingRequest,
)
from meetings.live.schemas import SpeakingEntrySchema, SpeakingQueueSchema
from meetings.models import AgendaItem, Meeting, MeetingState, ParticipantRole, SessionNotOpen

OPEN_STATUSES = (SpeakerStatus.WAITING, SpeakerStatus.SPEAKING)


class SpeakingListClosed(InvalidState):
    """The chair closed the list of speakers for this item."""

    code = "speaking.closed"
    default_message = _l("Chủ tọa đã khóa danh sách đăng ký phát biểu cho mục này.")


def capacity_of(meeting: Meeting, item: AgendaItem, user: User) -> SpeakerCapacity | None:
    """In which capacity `user` may speak on `item`, or None if they may not: only those who
    may read the item (a seat holder not invited to the meeting may not, nor anyone on a
    restricted item they may not read)."""
    if not item.can_read(user):
        return None
    if meeting.can_chair(user):
        return SpeakerCapacity.CHAIR
    if is_member(user):
        return SpeakerCapacity.MEMBER
    if deputy_seat_for(meeting, user) is not None:
        return SpeakerCapacity.DEPUTY
    if item.is_item_invitee(user) or (
        (part := meeting.participant(user)) is not None
        and part.role == ParticipantRole.INVITEE
        and item.can_read(user)
    ):
        return SpeakerCapacity.INVITEE
    return None


def speaking_entry(req: SpeakingRequest) -> dict[str, Any]:
    """A request to speak as the queue shows it."""
    return SpeakingEntrySchema().dump(req)


def speaking_queue(item: AgendaItem) -> list[SpeakingRequest]:
    """Open requests on an item: the speaker first, then those waiting, in the order asked."""
    rows = db.session.scalars(
        select(SpeakingRequest)
        .where(SpeakingRequest.item_id == item.id, SpeakingRequest.status.in_(OPEN_STATUSES))
        .order_by(SpeakingRequest.requested_at, SpeakingRequest.id)
    )
    return sorted(rows, key=lambda r: r.status != SpeakerStatus.SPEAKING)


def speaking_limits(item: AgendaItem) -> tuple[int | None, int | None]:
    """(the item's own time per speaker, the session's); None where none is set."""
    progress = db.session.get(ItemProgress, item.id)
    session = db.session.get(LiveSession, item.meeting_id)
    return (
        progress.speaking_seconds if progress else None,
        session.speaking_seconds if session else None,
    )


def queue_state(item: AgendaItem) -> dict[str, Any]:
    """The speakers' list of an item, to be dumped with SpeakingQueueSchema; with the time each
    speaker has (the item's, else the session's) and the server's clock to count down from."""
    progress = db.session.get(ItemProgress, item.id)
    own, session = speaking_limits(item)
    return {
        "meeting_id": item.meeting_id,
        "item_id": item.id,
        "closed": bool(progress and progress.list_closed),
        "queue": speaking_queue(item),
        "limit_seconds": own if own is not None else session,
        "item_limit_seconds": own,
        "session_limit_seconds": session,
        "server_now": utcnow(),
    }


def queue_payload(item: AgendaItem) -> dict[str, Any]:
    """The speakers' list of an item, as every tablet and the console show it."""
    return SpeakingQueueSchema().dump(queue_state(item))


def readers_of(item: AgendaItem) -> set[int]:
    """Ids of the people who may read a (restricted) item: its audience for live events."""
    meeting = item.meeting
    candidates = meeting.participant_ids() | {u.id for u in item.invitees} | set(member_ids())
    if meeting.chair_id:
        candidates.add(meeting.chair_id)
    users = db.session.scalars(select(User).where(User.id.in_(candidates)))
    return {u.id for u in users if item.can_read(u)}


def _announce_queue(item: AgendaItem) -> None:
    db.session.flush()
    payload = queue_payload(item)
    if item.restricted:
        for uid in readers_of(item):
            emit_after_commit("speaking.updated", payload, room=user_room(uid))
    else:
        emit_after_commit("speaking.updated", payload, room=meeting_room(item.meeting_id))


def _request_in(meeting: Meeting, request_id: int) -> SpeakingRequest:
    req = db.session.get(SpeakingRequest, request_id)
    if req is None or req.meeting_id != meeting.id:
        raise NotFound()
    return req


def request_floor(meeting: Meeting, user: User, item: AgendaItem) -> SpeakingRequest:
    """Ask to speak on an item (members, deputies, invitees of that item); asking twice
    returns the open request."""
    meeting.ensure_running()
    if item.meeting_id != meeting.id:
        raise NotFound()
    capacity = capacity_of(meeting, item, user)
    assert capacity is not None, "the loader (need='speak') lets only speakers through"
    existing = db.session.scalar(
        select(SpeakingRequest).where(
            SpeakingRequest.item_id == item.id,
            SpeakingRequest.user_id == user.id,
            SpeakingRequest.status.in_(OPEN_STATUSES),
        )
    )
    if existing is not None:
        return existing
    progress = db.session.get(ItemProgress, item.id)
    if progress is not None and progress.list_closed:
        raise SpeakingListClosed(item_id=item.id)
    seat_row = deputy_seat_for(meeting, user) if capacity == SpeakerCapacity.DEPUTY else None
    req = SpeakingRequest(
        meeting_id=meeting.id,
        item_id=item.id,
        user_id=user.id,
        capacity=capacity,
        for_member_id=seat_row.user_id if seat_row else None,
        requested_at=utcnow(),
    )
    db.session.add(req)
    db.session.flush()
    record("speaking.requested", item, data={"request_id": req.id}, actor=user)
    _announce_queue(item)
    return req


def withdraw_request(meeting: Meeting, user: User, request_id: int) -> SpeakingRequest:
    """The speaker withdraws their own waiting request."""
    req = _request_in(meeting, request_id)
    if req.status == SpeakerStatus.WAITING:
        req.status, req.done_at = SpeakerStatus.WITHDRAWN, utcnow()
        _announce_queue(req.item)
    return req


def give_floor(meeting: Meeting, actor: User, request_id: int) -> SpeakingRequest:
    """The chair gives the floor; whoever was speaking on that item is done."""
    meeting.ensure_running()
    req = _request_in(meeting, request_id)
    if req.status != SpeakerStatus.WAITING:
        raise InvalidState(_l("Yêu cầu phát biểu này không còn trong danh sách chờ."))
    now = utcnow()
    for other in speaking_queue(req.item):
        if other.status == SpeakerStatus.SPEAKING:
            other.status, other.done_at = SpeakerStatus.DONE, now
    req.status, req.floor_at = SpeakerStatus.SPEAKING, now
    record(
        "speaking.floor_given",
        req.item,
        data={"request_id": req.id, "user_id": req.user_id},
        actor=actor,
    )
    _announce_queue(req.item)
    return req


def finish_speaking(meeting: Meeting, actor: User, request_id: int) -> SpeakingRequest:
    """The current speaker is done."""
    req = _request_in(meeting, request_id)
    if req.status == SpeakerStatus.SPEAKING:
        req.status, req.done_at = SpeakerStatus.DONE, utcnow()
        _announce_queue(req.item)
    return req


def remove_request(meeting: Meeting, actor: User, request_id: int) -> SpeakingRequest:
    """The chair removes a request from the list."""
    req = _request_in(meeting, request_id)
    if req.status == SpeakerStatus.WAITING:
        req.status, req.done_at = SpeakerStatus.REMOVED, utcnow()
        record("speaking.removed", req.item, data={"request_id": req.id}, actor=actor)
        _announce_queue(req.item)
    return req


def close_speaking_list(
    meeting: Meeting, actor: User, item: AgendaItem, closed: bool
) -> ItemProgress:
    """The chair closes (or reopens) the list of speakers on an item."""
    if item.meeting_id != meeting.id:
        raise NotFound()
    progress = item_progress(item)
    progress.list_closed = closed
    record("speaking.list_closed" if closed else "speaking.list_reopened", item, actor=actor)
    _announce_queue(item)
    return progress


def set_speaking_limit(
    meeting: Meeting, actor: User, item: AgendaItem | None, seconds: int | None
) -> None:
    """The chair sets the time per speaker for one item, or the session's default (item None);
    0 or None removes it. Speakers count down from it on their tablets."""
    if MeetingState(meeting.state) not in (MeetingState.PUBLISHED, MeetingState.IN_SESSION):
        raise SessionNotOpen(meeting_id=meeting.id)
    value = seconds or None
    if item is not None:
        if item.meeting_id != meeting.id:
            raise NotFound()
        item_progress(item).speaking_seconds = value
    else:
        session = live_session(meeting) or LiveSession(meeting_id=meeting.id)
        db.session.add(session)
        session.speaking_seconds = value
    record(
        "speaking.limit_set",
        item or meeting,
        data={"seconds": value, "scope": "item" if item is not None else "session"},
        actor=actor,
    )
    current = live_session(meeting)
    for target in {item, current.current_item if current else None} - {None}:
        _announce_queue(target)
