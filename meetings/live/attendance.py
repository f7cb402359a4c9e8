"""Attendance and quorum: check-in on the tablet, the secretariat's marks, deputies, the board.

Only seat holders count towards the quorum; a deputy attends for an absent member (and reads
the meeting as they would) but never counts. Services flush and announce after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, func, or_, select

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.errors import InvalidState, ValidationFailed
from cabinet.realtime import emit_after_commit, meeting_room
from cabinet.users.models import CabinetSeat, User
from cabinet.users.services import all_member_ids, all_members, holds_a_seat, member_count, seat_of
from meetings.live.models import Attendance, AttendanceMode, Presence
from meetings.live.schemas import (
    AttendanceBoardSchema,
    AttendanceUpdateSchema,
    AttendeeSchema,
    QuorumSchema,
)
from meetings.models import Meeting, MeetingState, SessionNotOpen
from meetings.quorum import QuorumStatus, quorum

#: States in which the secretariat may record absences and deputies (before and during).
MARKING_STATES = (MeetingState.PUBLISHED, MeetingState.IN_SESSION)


class DeputyNotAllowed(ValidationFailed):
    """The person named is not the member's designated deputy."""

    code = "attendance.deputy_not_allowed"


# -- questions ----------------------------------------------------------------------------


def member_ids() -> list[int]:
    """Ids of the cabinet members (active seats), in protocol order."""
    return all_member_ids()


def is_member(user: User) -> bool:
    """True for a holder of an active cabinet seat (one row, not the whole cabinet)."""
    return holds_a_seat(user)


def attendance_of(meeting: Meeting, user_id: int) -> Attendance | None:
    """The attendance row of one person, if any."""
    return db.session.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.user_id == user_id)
    )


_OWN_ROWS = select(Attendance).where(
    Attendance.meeting_id == bindparam("meeting_id"),
    or_(Attendance.user_id == bindparam("user_id"), Attendance.deputy_id == bindparam("user_id")),
)


def own_attendance(meeting: Meeting, user: User) -> tuple[Attendance | None, Attendance | None]:
    """In one query: the attendance row of `user`, and that of the absent member whom `user`
    attends for as deputy (`attendance_of`, `deputy_seat_for`)."""
    own = seat = None
    for row in db.session.scalars(_OWN_ROWS, {"meeting_id": meeting.id, "user_id": user.id}):
        if row.user_id == user.id:
            own = row
        if row.deputy_id == user.id and seat is None:
            seat = row
    return own, seat


def attendance_rows(meeting: Meeting) -> list[Attendance]:
    """Every attendance row of the session."""
    return list(
        db.session.scalars(
            select(Attendance).where(Attendance.meeting_id == meeting.id).order_by(Attendance.id)
        )
    )


def _present_members(meeting: Meeting, *columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .join(CabinetSeat, CabinetSeat.member_id == Attendance.user_id)
        .where(
            Attendance.meeting_id == meeting.id,
            Attendance.presence == Presence.PRESENT,
            CabinetSeat.active.is_(True),
        )
    )


def present_member_ids(meeting: Meeting) -> set[int]:
    """Members (seat holders) present now; deputies and invitees never count."""
    return set(db.session.scalars(_present_members(meeting, Attendance.user_id)))


def quorum_status(meeting: Meeting) -> QuorumStatus:
    """Present members against the quorum required by the settings (counted in the database:
    every join asks)."""
    present = db.session.scalar(_present_members(meeting, func.count(Attendance.user_id))) or 0
    return quorum(present, member_count(), settings().quorum_fraction)


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


# -- changes ------------------------------------------------------------------------------


def _row(meeting: Meeting, user_id: int) -> Attendance:
    row = attendance_of(meeting, user_id)
    if row is None:
        row = Attendance(meeting_id=meeting.id, user_id=user_id, presence=Presence.ABSENT)
        db.session.add(row)
    return row


def attendance_entry(row: Attendance) -> dict[str, Any]:
    """One attendance row as tablets and the board show it."""
    return AttendeeSchema().dump(row)


def _announce_attendance(meeting: Meeting, row: Attendance) -> None:
    db.session.flush()
    payload = {"meeting_id": meeting.id, "attendee": row, "quorum": quorum_status(meeting)}
    emit_after_commit(
        "attendance.updated",
        AttendanceUpdateSchema().dump(payload),
        room=meeting_room(meeting.id),
    )


def check_in(meeting: Meeting, user: User, mode: AttendanceMode) -> Attendance:
    """A person checks in on their tablet (in the room or remote); idempotent."""
    meeting.ensure_in_session()
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
    meeting.ensure_in_session()
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
    """The secretariat marks someone present (in session) or absent, with or without leave."""
    state = MeetingState(meeting.state)
    if state not in MARKING_STATES:
        raise SessionNotOpen(meeting_id=meeting.id)
    if presence == Presence.PRESENT and state != MeetingState.IN_SESSION:
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


def mark_all_present(meeting: Meeting, actor: User) -> list[Attendance]:
    """ "All present": every member the secretariat has not marked yet (and who did not check
    in) is marked present in the room; members marked absent stay absent."""
    if MeetingState(meeting.state) != MeetingState.IN_SESSION:
        raise SessionNotOpen(meeting_id=meeting.id)
    marked = {row.user_id for row in attendance_rows(meeting)}
    people = [u for u in all_members() if u.id not in marked]
    return [mark_attendance(meeting, actor, person, presence=Presence.PRESENT) for person in people]


def quorum_payload(meeting: Meeting) -> dict[str, Any]:
    """The quorum as the board and tablets show it."""
    return QuorumSchema().dump(quorum_status(meeting))


def assign_deputy(
    meeting: Meeting, actor: User, member: User, deputy: User | None, *, allow_other: bool = False
) -> Attendance:
    """Record the deputy attending for an absent member (their seat's deputy unless allowed)."""
    if MeetingState(meeting.state) not in MARKING_STATES:
        raise SessionNotOpen(meeting_id=meeting.id)
    seat = seat_of(member)
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


# -- the board ----------------------------------------------------------------------------


def _from_row(name: str, unmarked: Any) -> property:
    return property(lambda self: unmarked if self.row is None else getattr(self.row, name))


@dataclass(frozen=True)
class SeatAttendance:
    """A cabinet seat on the board: its holder's attendance row, or "unknown" before any mark."""

    seat: CabinetSeat
    row: Attendance | None

    presence = _from_row("presence", "unknown")
    mode = _from_row("mode", None)
    with_leave = _from_row("with_leave", False)
    leave_reason = _from_row("leave_reason", "")
    deputy_id = _from_row("deputy_id", None)
    deputy = _from_row("deputy", None)
    deputy_present = _from_row("deputy_present", False)
    arrived_at = _from_row("arrived_at", None)

    @property
    def user_id(self) -> int:
        """The seat holder's id."""
        return self.seat.member_id

    @property
    def user(self) -> User:
        """The seat holder."""
        return self.seat.member

    @property
    def title(self) -> str:
        """The seat holder's title and ministry ("Bộ trưởng, Bộ Tư pháp")."""
        return self.seat.member.office

    @property
    def designated_deputy(self) -> User | None:
        """The deputy registered for the seat."""
        return self.seat.deputy


def attendance_board(meeting: Meeting) -> dict[str, Any]:
    """Every member with their attendance, plus others who checked in, and the quorum."""
    rows = {row.user_id: row for row in attendance_rows(meeting)}
    seats = db.session.scalars(
        select(CabinetSeat).where(CabinetSeat.active.is_(True)).order_by(CabinetSeat.position)
    )
    members = [SeatAttendance(seat, rows.pop(seat.member_id, None)) for seat in seats]
    state = MeetingState(meeting.state)
    return AttendanceBoardSchema().dump(
        {
            "members": members,
            "others": list(rows.values()),
            "quorum": quorum_status(meeting),
            "state": str(state),
            # The rules mark_attendance and assign_deputy enforce, so the page offers only these.
            "can_mark_present": state == MeetingState.IN_SESSION,
            "can_mark_absent": state in MARKING_STATES,
        }
    )
