"""Shared set-up for live-session and vote tests: a session of a cabinet, tablets."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from flask import g

from cabinet.db import db, utcnow
from cabinet.users.models import CabinetSeat, Role, User
from meetings.live import services as live
from meetings.live.models import AttendanceMode
from meetings.models import AgendaItem, Meeting, MeetingParticipant, MeetingState, ParticipantRole


def build_session(cab, *, open_session: bool = True) -> SimpleNamespace:
    """A published meeting of `cab` with three items (one restricted), optionally opened."""
    meeting = Meeting(
        title="Phiên họp Chính phủ thường kỳ tháng 3",
        number="03/2025",
        starts_at=utcnow() + timedelta(hours=1),
        place="Trụ sở Chính phủ",
        chair_id=cab.chair.id,
        state=MeetingState.PUBLISHED,
    )
    for member in cab.members:
        meeting.participants.append(
            MeetingParticipant(user_id=member.id, role=ParticipantRole.MEMBER)
        )
    meeting.participants.append(
        MeetingParticipant(user_id=cab.secretariat.id, role=ParticipantRole.SECRETARIAT)
    )
    meeting.participants.append(
        MeetingParticipant(user_id=cab.invitee.id, role=ParticipantRole.INVITEE)
    )
    items = [
        AgendaItem(
            position=1,
            title="Dự án Luật Đất đai (sửa đổi)",
            ministry="Bộ Nông nghiệp và Môi trường",
            planned_minutes=30,
        ),
        AgendaItem(
            position=2,
            title="Nghị định về quản lý nợ công",
            ministry="Bộ Tài chính",
            planned_minutes=20,
        ),
        AgendaItem(position=3, title="Phương án nhân sự", planned_minutes=10, restricted=True),
    ]
    meeting.items.extend(items)
    db.session.add(meeting)
    db.session.flush()
    if open_session:
        live.open_session(meeting, cab.chair)
        db.session.flush()
    return SimpleNamespace(meeting=meeting, items=items, cab=cab)


def check_in(meeting, users, mode=AttendanceMode.IN_ROOM):
    """Check `users` in directly through the service (setup, not under test)."""
    for user in users:
        live.check_in(meeting, user, mode)
    db.session.flush()


class Tablet:
    """A socket test client that acts as its own person on every emit.

    The test app keeps one app context open, so Flask-Login's per-context cache of the
    current user (`g._login_user`) would otherwise make every client act as the first one.
    """

    def __init__(self, sio):
        self.sio = sio

    def emit(self, *args, **kwargs):
        """Emit as this client's person."""
        g.pop("_login_user", None)
        try:
            return self.sio.emit(*args, **kwargs)
        finally:
            g.pop("_login_user", None)

    def __getattr__(self, name):
        return getattr(self.sio, name)


def committed_meeting(
    password_hash: str,
    people: list[tuple[str, set[Role], dict]],
    *,
    email: str,
    number: str,
    title: str,
    items: list[AgendaItem],
) -> tuple[Meeting, list[User]]:
    """A small cabinet and a published meeting, committed for the live server: `people` are
    (name, roles, more User fields); members and the chair get seats and are invited as
    members, the secretariat as secretariat."""
    users = []
    for i, (name, roles, fields) in enumerate(people):
        user = User(name=name, email=f"{email}{i}@ecabinet.test", password_hash=password_hash)
        for key, value in {"title": "Bộ trưởng", **fields}.items():
            setattr(user, key, value)
        user.set_roles(roles)
        users.append(user)
    db.session.add_all(users)
    db.session.flush()
    members = [u for u in users if Role.MEMBER in u.roles]
    db.session.add_all(CabinetSeat(member_id=u.id, position=i) for i, u in enumerate(members))
    meeting = Meeting(
        title=title,
        number=number,
        starts_at=utcnow() + timedelta(hours=1),
        place="Phòng họp số 1, Trụ sở Chính phủ",
        chair_id=users[0].id,
        state=MeetingState.PUBLISHED,
    )
    for user in users:
        role = ParticipantRole.MEMBER if user in members else ParticipantRole.SECRETARIAT
        meeting.participants.append(MeetingParticipant(user_id=user.id, role=role))
    meeting.items.extend(items)
    db.session.add(meeting)
    db.session.commit()
    return meeting, users
