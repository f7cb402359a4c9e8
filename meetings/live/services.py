"""Conduct of a session: opening, attendance and quorum, the current item, the speakers' list.

Services flush and queue their emits with `emit_after_commit`; the socket handler or view
commits once, and only then do tablets hear about the change.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.errors import Forbidden, InvalidState, NotFound, ValidationFailed
from cabinet.realtime import emit_after_commit, meeting_room, user_room
from cabinet.users.models import CabinetSeat, User
from cabinet.users.services import all_members, member_count, seat_of
from meetings import hooks
from meetings.live.models import (
    Attendance,
    AttendanceMode,
    ItemProgress,
    LiveSession,
    Presence,
    SpeakerCapacity,
    SpeakerStatus,
    SpeakingRequest,
)
from meetings.models import AgendaItem, Meeting, MeetingState
from meetings.quorum import QuorumStatus, quorum


class SessionNotOpen(InvalidState):
    """The meeting is not in session."""

    code = "session.not_open"
    default_message = _l("Phiên họp chưa khai mạc hoặc đã bế mạc.")


class SpeakingListClosed(InvalidState):
    """The chair closed the list of speakers for this item."""

    code = "speaking.closed"
    default_message = _l("Chủ tọa đã khóa danh sách đăng ký phát biểu cho mục này.")


class DeputyNotAllowed(ValidationFailed):
    """The person named is not the member's designated deputy."""

    code = "attendance.deputy_not_allowed"


# -- questions ----------------------------------------------------------------------------


def can_conduct(meeting: Meeting, user: User) -> bool:
    """The chair (or the secretariat at the console for the chair) conducts the session."""
    return meeting.can_chair(user) or meeting.can_manage(user)


def ensure_conduct(meeting: Meeting, user: User) -> None:
    """Raise Forbidden unless `user` may conduct the session."""
    if not can_conduct(meeting, user):
        raise Forbidden(_l("Chỉ chủ tọa hoặc Văn phòng Chính phủ điều hành phiên họp."))


def ensure_in_session(meeting: Meeting) -> None:
    """Raise SessionNotOpen unless the meeting is in session."""
    if MeetingState(meeting.state) != MeetingState.IN_SESSION:
        raise SessionNotOpen(meeting_id=meeting.id)


def member_ids() -> list[int]:
    """Ids of the cabinet members (active seats), in protocol order."""
    return [u.id for u in all_members()]


def attendance_of(meeting: Meeting, user_id: int) -> Attendance | None:
    """The attendance row of one person, if any."""
    return db.session.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.user_id == user_id)
    )


def attendance_rows(meeting: Meeting) -> list[Attendance]:
    """Every attendance row of the session."""
    return list(
        db.session.scalars(
            select(Attendance).where(Attendance.meeting_id == meeting.id).order_by(Attendance.id)
        )
    )


def present_member_ids(meeting: Meeting) -> set[int]:
    """Members (seat holders) present now; deputies and invitees never count."""
    present = db.session.scalars(
        select(Attendance.user_id)
        .join(CabinetSeat, CabinetSeat.member_id == Attendance.user_id)
        .where(
            Attendance.meeting_id == meeting.id,
            Attendance.presence == Presence.PRESENT,
            CabinetSeat.active.is_(True),
        )
    )
    return set(present)


def quorum_status(meeting: Meeting) -> QuorumStatus:
    """Present members against the quorum required by the settings."""
    return quorum(len(present_member_ids(meeting)), member_count(), settings().quorum_fraction)


def is_member(user: User) -> bool:
    """True for a holder of an active cabinet seat (one row, not the whole cabinet)."""
    return seat_of(user) is not None


def deputy_seat_for(meeting: Meeting, user: User) -> Attendance | None:
    """The attendance row of the absent member whom `user` attends for, if any."""
    return db.session.scalar(
        select(Attendance).where(
            Attendance.meeting_id == meeting.id, Attendance.deputy_id == user.id
        )
    )


def deputy_read_hook(meeting: Meeting, user: Any) -> bool:
    """Read hook: a deputy named by attendance reads the meeting as the member would."""
    if getattr(user, "id", None) is None or meeting.id is None:
        return False
    return deputy_seat_for(meeting, user) is not None


def deputy_meeting_ids(user: Any) -> list[int]:
    """The "My meetings" hook: meetings in which attendance names `user` as a member's deputy."""
    if getattr(user, "id", None) is None:
        return []
    return list(
        db.session.scalars(
            select(Attendance.meeting_id).where(Attendance.deputy_id == user.id).distinct()
        )
    )


# -- opening and closing --------------------------------------------------------------------


def live_session(meeting: Meeting) -> LiveSession | None:
    """The running state of the session, if it was opened."""
    return db.session.get(LiveSession, meeting.id)


def open_session(meeting: Meeting, actor: User) -> LiveSession:
    """The chair opens the session: attendance starts, the first item becomes current."""
    if not meeting.can_chair(actor) and not meeting.can_manage(actor):
        raise Forbidden(_l("Chỉ chủ tọa khai mạc phiên họp."))
    meeting.open_session()
    session = live_session(meeting) or LiveSession(meeting_id=meeting.id)
    db.session.add(session)
    db.session.flush()
    record("meeting.session_opened", meeting, actor=actor)
    emit_after_commit(
        "meeting.state_changed",
        {"meeting_id": meeting.id, "state": str(meeting.state)},
        room=meeting_room(meeting.id),
    )
    if meeting.items:
        set_current_item(meeting, actor, meeting.items[0])
    return session


def close_session(meeting: Meeting, actor: User) -> None:
    """The chair closes the session; refused while a vote is open."""
    ensure_conduct(meeting, actor)
    hooks.close_guards.collect(meeting)  # a guard raises when the session may not close
    session = live_session(meeting)
    if session is not None and session.current_item_id is not None:
        _stop_timer(session.current_item_id)
    meeting.close_session()
    db.session.flush()
    record("meeting.session_closed", meeting, actor=actor)
    hooks.session_closed.collect(meeting, actor)
    emit_after_commit(
        "meeting.state_changed",
        {"meeting_id": meeting.id, "state": str(meeting.state)},
        room=meeting_room(meeting.id),
    )


# -- attendance ------------------------------------------------------------------------------


def _row(meeting: Meeting, user_id: int) -> Attendance:
    row = attendance_of(meeting, user_id)
    if row is None:
        row = Attendance(meeting_id=meeting.id, user_id=user_id, presence=Presence.ABSENT)
        db.session.add(row)
    return row


def attendance_entry(row: Attendance) -> dict[str, Any]:
    """One attendance row as tablets and the board show it."""
    return {
        "user_id": row.user_id,
        "name": row.user.name,
        "presence": str(row.presence),
        "mode": str(row.mode) if row.mode else None,
        "with_leave": row.with_leave,
        "leave_reason": row.leave_reason,
        "deputy": {"id": row.deputy_id, "name": row.deputy.name, "present": row.deputy_present}
        if row.deputy_id
        else None,
        "arrived_at": row.arrived_at.isoformat() if row.arrived_at else None,
    }


def _announce_attendance(meeting: Meeting, row: Attendance) -> None:
    db.session.flush()
    emit_after_commit(
        "attendance.updated",
        {
            "meeting_id": meeting.id,
            "attendee": attendance_entry(row),
            "quorum": quorum_status(meeting).as_dict(),
        },
        room=meeting_room(meeting.id),
    )


def _may_attend(meeting: Meeting, user: User) -> bool:
    return meeting.can_read(user)


def check_in(meeting: Meeting, user: User, mode: AttendanceMode) -> Attendance:
    """A person checks in on their tablet (in the room or remote)."""
    ensure_in_session(meeting)
    if not _may_attend(meeting, user):
        raise Forbidden(_l("Bạn không có trong danh sách dự phiên họp này."))
    row = _row(meeting, user.id)
    if row.is_present and row.mode == mode:
        return row
    row.presence, row.mode = Presence.PRESENT, AttendanceMode(mode)
    row.arrived_at = row.arrived_at or utcnow()
    row.left_at, row.with_leave, row.leave_reason = None, False, ""
    row.marked_by_id = user.id
    for seat_row in db.session.scalars(
        select(Attendance).where(
            Attendance.meeting_id == meeting.id, Attendance.deputy_id == user.id
        )
    ):
        seat_row.deputy_present = True
        _announce_attendance(meeting, seat_row)
    record(
        "attendance.checked_in", meeting, data={"user_id": user.id, "mode": str(mode)}, actor=user
    )
    _announce_attendance(meeting, row)
    return row


def check_out(meeting: Meeting, user: User) -> Attendance:
    """A person leaves the session (their vote is no longer counted towards the quorum)."""
    ensure_in_session(meeting)
    row = attendance_of(meeting, user.id)
    if row is None or not row.is_present:
        raise InvalidState(_l("Bạn chưa điểm danh."))
    row.presence, row.left_at, row.marked_by_id = Presence.ABSENT, utcnow(), user.id
    record("attendance.checked_out", meeting, data={"user_id": user.id}, actor=user)
    _announce_attendance(meeting, row)
    return row


def mark_attendance(
    meeting: Meeting,
    actor: User,
    person: User,
    *,
    presence: Presence,
    mode: AttendanceMode | None = None,
    with_leave: bool = False,
    leave_reason: str = "",
) -> Attendance:
    """The secretariat marks someone present or absent (with or without leave)."""
    if not meeting.can_manage(actor):
        raise Forbidden(_l("Chỉ Văn phòng Chính phủ ghi nhận điểm danh."))
    if MeetingState(meeting.state) not in (MeetingState.PUBLISHED, MeetingState.IN_SESSION):
        raise SessionNotOpen(meeting_id=meeting.id)
    if presence == Presence.PRESENT and MeetingState(meeting.state) != MeetingState.IN_SESSION:
        raise SessionNotOpen(meeting_id=meeting.id)
    row = _row(meeting, person.id)
    row.presence = Presence(presence)
    row.marked_by_id = actor.id
    if row.presence == Presence.PRESENT:
        row.mode = AttendanceMode(mode or AttendanceMode.IN_ROOM)
        row.arrived_at = row.arrived_at or utcnow()
        row.left_at, row.with_leave, row.leave_reason = None, False, ""
    else:
        row.with_leave, row.leave_reason = with_leave, leave_reason.strip()
        if row.arrived_at is not None:
            row.left_at = utcnow()
    record(
        "attendance.marked",
        meeting,
        data={"user_id": person.id, "presence": str(row.presence), "with_leave": row.with_leave},
        actor=actor,
    )
    _announce_attendance(meeting, row)
    return row


def assign_deputy(
    meeting: Meeting, actor: User, member: User, deputy: User | None, *, allow_other: bool = False
) -> Attendance:
    """Record the deputy attending for an absent member (their seat's deputy unless allowed)."""
    if not meeting.can_manage(actor):
        raise Forbidden(_l("Chỉ Văn phòng Chính phủ ghi nhận người dự thay."))
    if MeetingState(meeting.state) not in (MeetingState.PUBLISHED, MeetingState.IN_SESSION):
        raise SessionNotOpen(meeting_id=meeting.id)
    seat = db.session.scalar(
        select(CabinetSeat).where(CabinetSeat.member_id == member.id, CabinetSeat.active.is_(True))
    )
    if seat is None:
        raise ValidationFailed(
            fields={"member_id": [_l("Người này không phải thành viên Chính phủ.")]}
        )
    row = _row(meeting, member.id)
    if deputy is not None:
        if row.is_present:
            raise InvalidState(_l("Thành viên đang có mặt; không cần người dự thay."))
        if deputy.id == member.id or deputy.id in member_ids():
            raise DeputyNotAllowed(
                fields={"deputy_id": [_l("Thành viên Chính phủ không dự thay thành viên khác.")]}
            )
        if seat.deputy_id != deputy.id and not allow_other:
            raise DeputyNotAllowed(
                fields={
                    "deputy_id": [
                        _l(
                            "%(name)s không phải người dự thay đã đăng ký của thành viên này; "
                            "hãy xác nhận cho phép.",
                            name=deputy.name,
                        )
                    ]
                }
            )
    row.deputy_id = deputy.id if deputy else None
    present = deputy is not None and (d := attendance_of(meeting, deputy.id)) is not None
    row.deputy_present = bool(present and d.is_present)
    row.marked_by_id = actor.id
    record(
        "attendance.deputy_assigned",
        meeting,
        data={
            "member_id": member.id,
            "deputy_id": deputy.id if deputy else None,
            "designated": deputy is not None and seat.deputy_id == deputy.id,
        },
        actor=actor,
    )
    _announce_attendance(meeting, row)
    return row


def default_deputy(member: User) -> User | None:
    """The designated deputy of a member's seat."""
    seat = db.session.scalar(
        select(CabinetSeat).where(CabinetSeat.member_id == member.id, CabinetSeat.active.is_(True))
    )
    return seat.deputy if seat else None


def attendance_board(meeting: Meeting) -> dict[str, Any]:
    """Every member with their attendance, plus others who checked in, and the quorum."""
    rows = {row.user_id: row for row in attendance_rows(meeting)}
    members = []
    for seat in db.session.scalars(
        select(CabinetSeat).where(CabinetSeat.active.is_(True)).order_by(CabinetSeat.position)
    ):
        row = rows.pop(seat.member_id, None)
        entry = (
            attendance_entry(row)
            if row
            else {
                "user_id": seat.member_id,
                "name": seat.member.name,
                "presence": "unknown",
                "mode": None,
                "with_leave": False,
                "leave_reason": "",
                "deputy": None,
                "arrived_at": None,
            }
        )
        entry["title"] = seat.member.title
        entry["designated_deputy"] = (
            {"id": seat.deputy.id, "name": seat.deputy.name} if seat.deputy else None
        )
        members.append(entry)
    others = [attendance_entry(row) for row in rows.values()]
    state = MeetingState(meeting.state)
    return {
        "members": members,
        "others": others,
        "quorum": quorum_status(meeting).as_dict(),
        "state": str(state),
        # The same rules mark_attendance and assign_deputy enforce, so the page offers only these.
        "can_mark_present": state == MeetingState.IN_SESSION,
        "can_mark_absent": state in (MeetingState.PUBLISHED, MeetingState.IN_SESSION),
    }


# -- the current item and its timer -----------------------------------------------------------


def _progress(item: AgendaItem) -> ItemProgress:
    progress = db.session.get(ItemProgress, item.id)
    if progress is None:
        progress = ItemProgress(item_id=item.id, meeting_id=item.meeting_id, elapsed_seconds=0)
        db.session.add(progress)
    return progress


def _stop_timer(item_id: int) -> None:
    progress = db.session.get(ItemProgress, item_id)
    if progress is not None and progress.running_since is not None:
        progress.elapsed_seconds = progress.elapsed()
        progress.running_since = None


def current_item_payload(meeting: Meeting) -> dict[str, Any] | None:
    """The item under discussion with its timer, as every tablet shows it."""
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
        "running_since": progress.running_since.isoformat()
        if progress and progress.running_since
        else None,
        "server_now": utcnow().isoformat(),
    }


def set_current_item(meeting: Meeting, actor: User, item: AgendaItem) -> dict[str, Any]:
    """Move the session to `item`: its timer runs, the previous item's pauses."""
    ensure_conduct(meeting, actor)
    ensure_in_session(meeting)
    if item.meeting_id != meeting.id:
        raise NotFound()
    session = live_session(meeting) or LiveSession(meeting_id=meeting.id)
    db.session.add(session)
    if session.current_item_id == item.id:
        return current_item_payload(meeting) or {}
    if session.current_item_id is not None:
        _stop_timer(session.current_item_id)
    session.current_item_id = item.id
    session.current_item = item
    progress = _progress(item)
    progress.running_since = utcnow()
    db.session.flush()
    record("session.current_item", item, data={"meeting_id": meeting.id}, actor=actor)
    payload = current_item_payload(meeting) or {}
    emit_after_commit("session.current_item", payload, room=meeting_room(meeting.id))
    return payload


# -- speakers ---------------------------------------------------------------------------------


def capacity_of(meeting: Meeting, item: AgendaItem, user: User) -> SpeakerCapacity | None:
    """In which capacity `user` may speak on `item`, or None if they may not."""
    if meeting.can_chair(user):
        return SpeakerCapacity.CHAIR
    if is_member(user):
        return SpeakerCapacity.MEMBER
    if deputy_seat_for(meeting, user) is not None:
        return SpeakerCapacity.DEPUTY
    if item.is_item_invitee(user) or (
        (part := meeting.participant(user)) is not None
        and str(part.role) == "invitee"
        and item.can_read(user)
    ):
        return SpeakerCapacity.INVITEE
    return None


def speaking_entry(req: SpeakingRequest) -> dict[str, Any]:
    """A request to speak as the queue shows it."""
    return {
        "id": req.id,
        "item_id": req.item_id,
        "user_id": req.user_id,
        "name": req.user.name,
        "title": req.user.title,
        "capacity": str(req.capacity),
        "for_member": req.for_member.name if req.for_member else None,
        "status": str(req.status),
        "requested_at": req.requested_at.isoformat(),
        "floor_at": req.floor_at.isoformat() if req.floor_at else None,
    }


def speaking_queue(item: AgendaItem) -> list[SpeakingRequest]:
    """Open requests on an item: the speaker first, then those waiting, in the order asked."""
    rows = db.session.scalars(
        select(SpeakingRequest)
        .where(
            SpeakingRequest.item_id == item.id,
            SpeakingRequest.status.in_([SpeakerStatus.WAITING, SpeakerStatus.SPEAKING]),
        )
        .order_by(SpeakingRequest.requested_at, SpeakingRequest.id)
    )
    return sorted(rows, key=lambda r: r.status != SpeakerStatus.SPEAKING)


def queue_payload(item: AgendaItem) -> dict[str, Any]:
    """The speakers' list of an item, as every tablet and the console show it."""
    progress = db.session.get(ItemProgress, item.id)
    return {
        "meeting_id": item.meeting_id,
        "item_id": item.id,
        "closed": bool(progress and progress.list_closed),
        "queue": [speaking_entry(r) for r in speaking_queue(item)],
    }


def _announce_queue(item: AgendaItem) -> None:
    db.session.flush()
    payload = queue_payload(item)
    if item.restricted:
        # Names on a restricted item reach only those who may read it.
        for uid in readers_of(item):
            emit_after_commit("speaking.updated", payload, room=user_room(uid))
    else:
        emit_after_commit("speaking.updated", payload, room=meeting_room(item.meeting_id))


def readers_of(item: AgendaItem) -> set[int]:
    """Ids of the people who may read a (restricted) item: its audience for live events."""
    meeting = item.meeting
    candidates = meeting.participant_ids() | {u.id for u in item.invitees} | set(member_ids())
    if meeting.chair_id:
        candidates.add(meeting.chair_id)
    users = db.session.scalars(select(User).where(User.id.in_(candidates)))
    return {u.id for u in users if item.can_read(u)}


def request_floor(meeting: Meeting, user: User, item: AgendaItem) -> SpeakingRequest:
    """Ask to speak on an item (members, deputies, invitees of that item)."""
    ensure_in_session(meeting)
    if item.meeting_id != meeting.id:
        raise NotFound()
    capacity = capacity_of(meeting, item, user)
    if capacity is None:
        raise Forbidden(_l("Bạn không được đăng ký phát biểu ở mục này."))
    existing = db.session.scalar(
        select(SpeakingRequest).where(
            SpeakingRequest.item_id == item.id,
            SpeakingRequest.user_id == user.id,
            SpeakingRequest.status.in_([SpeakerStatus.WAITING, SpeakerStatus.SPEAKING]),
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


def _get_request(meeting: Meeting, request_id: int) -> SpeakingRequest:
    req = db.session.get(SpeakingRequest, request_id)
    if req is None or req.meeting_id != meeting.id:
        raise NotFound()
    return req


def withdraw_request(meeting: Meeting, user: User, request_id: int) -> SpeakingRequest:
    """The speaker withdraws their own waiting request."""
    req = _get_request(meeting, request_id)
    if req.user_id != user.id:
        raise Forbidden()
    if req.status == SpeakerStatus.WAITING:
        req.status, req.done_at = SpeakerStatus.WITHDRAWN, utcnow()
        _announce_queue(req.item)
    return req


def give_floor(meeting: Meeting, actor: User, request_id: int) -> SpeakingRequest:
    """The chair gives the floor; whoever was speaking on that item is done."""
    ensure_conduct(meeting, actor)
    ensure_in_session(meeting)
    req = _get_request(meeting, request_id)
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
    ensure_conduct(meeting, actor)
    req = _get_request(meeting, request_id)
    if req.status == SpeakerStatus.SPEAKING:
        req.status, req.done_at = SpeakerStatus.DONE, utcnow()
        _announce_queue(req.item)
    return req


def remove_request(meeting: Meeting, actor: User, request_id: int) -> SpeakingRequest:
    """The chair removes a request from the list."""
    ensure_conduct(meeting, actor)
    req = _get_request(meeting, request_id)
    if req.status == SpeakerStatus.WAITING:
        req.status, req.done_at = SpeakerStatus.REMOVED, utcnow()
        record("speaking.removed", req.item, data={"request_id": req.id}, actor=actor)
        _announce_queue(req.item)
    return req


def close_speaking_list(
    meeting: Meeting, actor: User, item: AgendaItem, closed: bool
) -> ItemProgress:
    """The chair closes (or reopens) the list of speakers on an item."""
    ensure_conduct(meeting, actor)
    if item.meeting_id != meeting.id:
        raise NotFound()
    progress = _progress(item)
    progress.list_closed = closed
    record("speaking.list_closed" if closed else "speaking.list_reopened", item, actor=actor)
    _announce_queue(item)
    return progress


# -- the resync snapshot -----------------------------------------------------------------------


def live_snapshot(meeting: Meeting, user: User) -> dict[str, Any]:
    """The live part of `meeting.join`: session, quorum, own attendance, current queue."""
    session = live_session(meeting)
    current = current_item_payload(meeting)
    queue = None
    item = session.current_item if session is not None else None
    if item is not None and item.can_read(user):
        queue = queue_payload(item)
    mine = attendance_of(meeting, user.id)
    seat_row = deputy_seat_for(meeting, user)
    return {
        "in_session": MeetingState(meeting.state) == MeetingState.IN_SESSION,
        "current_item": current,
        "speaking": queue,
        "quorum": quorum_status(meeting).as_dict(),
        "me": {
            "attendance": attendance_entry(mine) if mine else None,
            "is_member": is_member(user),
            "deputy_for": seat_row.user.name if seat_row else None,
            "can_conduct": can_conduct(meeting, user),
            "can_chair": meeting.can_chair(user),
        },
    }
