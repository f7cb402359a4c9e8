"""A meeting, its state machine and its participants; the access questions every layer asks.

`can_read`, `can_manage`, `can_chair` and `can_conduct` are asked by the loaders
(`meetings.loaders`) once per request, event or page.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.util import identity_key

from cabinet.db import Base, TimestampMixin, str_enum, utcnow
from cabinet.errors import InvalidState
from cabinet.users.models import Role, User
from meetings.models.enums import (
    STATE_LABELS,
    MeetingForm,
    MeetingKind,
    MeetingState,
    ParticipantRole,
)
from meetings.permissions import granted_by_hook

if TYPE_CHECKING:
    from meetings.models.agenda import AgendaItem


#: Where `Meeting.participant` keeps the rows it looked up one by one (dropped on any change).
_FOUND = "_participant_rows"


def signed_in(user: Any) -> bool:
    """True for an authenticated, active person (False for None and anonymous users)."""
    return bool(user is not None and getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "active", True)
    )


def is_secretariat(user: Any) -> bool:
    """True for a signed-in member of the Government Office (the secretariat)."""
    return signed_in(user) and user.has_role(Role.SECRETARIAT)


# The only moves a meeting may make; everything else is refused with InvalidTransition.
TRANSITIONS: dict[tuple[MeetingState, MeetingState], str] = {
    (MeetingState.DRAFT, MeetingState.PUBLISHED): "publish",
    (MeetingState.PUBLISHED, MeetingState.DRAFT): "unpublish",
    (MeetingState.PUBLISHED, MeetingState.IN_SESSION): "open_session",
    (MeetingState.IN_SESSION, MeetingState.CLOSED): "close_session",
    (MeetingState.CLOSED, MeetingState.ARCHIVED): "archive",
}

# States in which the secretariat may still change the agenda and papers.
EDITABLE_STATES = frozenset({MeetingState.DRAFT, MeetingState.PUBLISHED, MeetingState.IN_SESSION})


class InvalidTransition(InvalidState):
    """A meeting was asked to move between two states that are not linked."""

    code = "meeting.invalid_transition"

    def __init__(self, current: MeetingState, target: MeetingState):
        super().__init__(
            _l(
                "Không thể chuyển cuộc họp từ trạng thái “%(current)s” sang “%(target)s”.",
                current=STATE_LABELS[MeetingState(current)],
                target=STATE_LABELS[MeetingState(target)],
            ),
            current=str(current),
            target=str(target),
        )


class MeetingLocked(InvalidState):
    """The agenda or papers of a closed or archived meeting cannot change."""

    code = "meeting.locked"

    def __init__(self, state: MeetingState):
        super().__init__(
            _l(
                "Cuộc họp đang ở trạng thái “%(state)s”, không thể thay đổi chương trình "
                "hay tài liệu.",
                state=STATE_LABELS[MeetingState(state)],
            ),
            state=str(state),
        )


class SessionNotOpen(InvalidState):
    """The meeting is not in session."""

    code = "session.not_open"
    default_message = _l("Phiên họp chưa khai mạc hoặc đã bế mạc.")


class SessionSuspended(InvalidState):
    """The session is suspended: nobody asks to speak, no vote opens until it resumes."""

    code = "session.suspended"
    default_message = _l(
        "Phiên họp đang tạm dừng: chưa thể đăng ký phát biểu hay mở biểu quyết cho đến khi "
        "chủ tọa tiếp tục phiên họp."
    )


class Meeting(TimestampMixin, Base):
    """A cabinet session: regular, thematic or urgent."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(
        str_enum(MeetingKind, length=20), default=MeetingKind.REGULAR
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    number: Mapped[str] = mapped_column(sa.String(50), default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime | None] = mapped_column(nullable=True)
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    form: Mapped[MeetingForm] = mapped_column(
        str_enum(MeetingForm, length=20), default=MeetingForm.IN_ROOM
    )
    chair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    state: Mapped[MeetingState] = mapped_column(
        str_enum(MeetingState, length=20), default=MeetingState.DRAFT, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(nullable=True)
    opened_at: Mapped[datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Set while an open session is suspended ("tạm dừng"): the session stays in session
    # (attendance, papers, the current item), but nobody asks to speak and no vote opens.
    suspended_at: Mapped[datetime | None] = mapped_column(nullable=True)
    suspension_reason: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    archived_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Bumped on every change to the meeting, its agenda or papers: lets a tablet tell
    # whether the snapshot it holds is current.
    version: Mapped[int] = mapped_column(default=1)
    # Bumped at the commit of every change a tablet is told about (cabinet.revisions): the
    # heartbeat and every broadcast carry it, so a tablet sees when it missed one.
    revision: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))

    chair: Mapped[User | None] = relationship(foreign_keys=[chair_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
    )
    participants: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.number!r} {self.state}>"

    # -- state machine -------------------------------------------------------------------

    def _move(self, target: MeetingState) -> None:
        if (MeetingState(self.state), target) not in TRANSITIONS:
            raise InvalidTransition(self.state, target)
        self.state = target
        self.touch()

    def allowed_transitions(self) -> list[MeetingState]:
        """The states this meeting may move to next."""
        return [to for (frm, to) in TRANSITIONS if frm == self.state]

    def publish(self) -> None:
        """Draft → published: the agenda and papers go out to participants."""
        self._move(MeetingState.PUBLISHED)
        self.published_at = utcnow()

    def unpublish(self) -> None:
        """Published → draft: withdraw the agenda from participants for rework."""
        self._move(MeetingState.DRAFT)
        self.published_at = None

    def open_session(self) -> None:
        """Published → in session: the chair opens the meeting."""
        self._move(MeetingState.IN_SESSION)
        self.opened_at = utcnow()

    def close_session(self) -> None:
        """In session (running or suspended) → closed: the chair closes the meeting."""
        self._move(MeetingState.CLOSED)
        self.closed_at = utcnow()
        self.suspended_at, self.suspension_reason = None, ""

    def suspend(self, reason: str = "") -> None:
        """Suspend the open session ("tạm dừng"); refused outside the session or twice."""
        self.ensure_in_session()
        if self.is_suspended:
            raise SessionSuspended(_l("Phiên họp đã tạm dừng."), meeting_id=self.id)
        self.suspended_at, self.suspension_reason = utcnow(), reason.strip()[:300]
        self.touch()

    def resume(self) -> None:
        """Resume a suspended session."""
        self.ensure_in_session()
        if not self.is_suspended:
            raise InvalidState(_l("Phiên họp không ở trạng thái tạm dừng."), meeting_id=self.id)
        self.suspended_at, self.suspension_reason = None, ""
        self.touch()

    def archive(self) -> None:
        """Closed → archived: the records are final."""
        self._move(MeetingState.ARCHIVED)
        self.archived_at = utcnow()

    def touch(self) -> None:
        """Mark the meeting (or something in it) as changed."""
        self.version = (self.version or 0) + 1

    @property
    def is_editable(self) -> bool:
        """True while the agenda and papers may still change."""
        return MeetingState(self.state) in EDITABLE_STATES

    def ensure_editable(self) -> None:
        """Raise MeetingLocked when the meeting is closed or archived."""
        if not self.is_editable:
            raise MeetingLocked(self.state)

    @property
    def in_session(self) -> bool:
        """True between the chair's opening and closing of the session."""
        return MeetingState(self.state) == MeetingState.IN_SESSION

    def ensure_in_session(self) -> None:
        """Raise SessionNotOpen unless the meeting is in session."""
        if not self.in_session:
            raise SessionNotOpen(meeting_id=self.id)

    @property
    def is_suspended(self) -> bool:
        """True while the open session is suspended."""
        return self.in_session and self.suspended_at is not None

    @property
    def phase(self) -> str:
        """The state as people see it: the stored state, or "suspended" for a suspended
        session (planned, open, suspended, closed on every page)."""
        return "suspended" if self.is_suspended else str(MeetingState(self.state))

    def ensure_running(self) -> None:
        """Raise SessionNotOpen outside the session, SessionSuspended while it is suspended:
        asking to speak and opening votes need a running session."""
        self.ensure_in_session()
        if self.is_suspended:
            raise SessionSuspended(meeting_id=self.id)

    # -- people --------------------------------------------------------------------------

    def participant(self, user: Any) -> MeetingParticipant | None:
        """The participation row of `user` in this meeting, if any.

        From the participants when they are loaded; otherwise that one row by its unique key,
        kept for the instance's session (a join need not load 500 participants to find one)."""
        uid = getattr(user, "id", None)
        if "participants" in self.__dict__ or uid is None:
            return next((p for p in self.participants if p.user_id == uid), None)
        found = self.__dict__.setdefault(_FOUND, {})
        if uid not in found:
            found[uid] = sa.orm.object_session(self).scalar(
                sa.select(MeetingParticipant).where(
                    MeetingParticipant.meeting_id == self.id, MeetingParticipant.user_id == uid
                )
            )
        return found[uid]

    def member_ids(self) -> set[int]:
        """Ids of the cabinet members invited (participants with role MEMBER)."""
        return {p.user_id for p in self.participants if p.role == ParticipantRole.MEMBER}

    def participant_ids(self) -> set[int]:
        """Ids of everyone invited to the whole meeting, whatever their role."""
        return {p.user_id for p in self.participants}

    def item_invitee_ids(self) -> set[int]:
        """Ids of people invited to one or more items only (one query when the agenda is not
        loaded: a join does not load it to answer this)."""
        if "items" in self.__dict__:
            return {u.id for item in self.items for u in item.invitees}
        invitees, items = (
            Base.metadata.tables[t] for t in ("agenda_item_invitees", "agenda_items")
        )
        return set(
            sa.orm.object_session(self).scalars(
                sa.select(invitees.c.user_id)
                .join(items, items.c.id == invitees.c.item_id)
                .where(items.c.meeting_id == self.id)
            )
        )

    # -- questions -----------------------------------------------------------------------

    def can_manage(self, user: Any) -> bool:
        """The secretariat prepares and changes meetings."""
        return is_secretariat(user)

    def can_chair(self, user: Any) -> bool:
        """True for the meeting's chair."""
        return signed_in(user) and self.chair_id is not None and self.chair_id == user.id

    def can_conduct(self, user: Any) -> bool:
        """The chair (or the secretariat at the console for the chair) conducts the session."""
        return self.can_chair(user) or self.can_manage(user)

    def has_member_access(self, user: Any) -> bool:
        """Reads the whole agenda (members, the chair, deputies via hooks, the secretariat)."""
        if not signed_in(user):
            return False
        if self.can_manage(user) or self.can_chair(user):
            return True
        if MeetingState(self.state) == MeetingState.DRAFT:
            return False
        part = self.participant(user)
        if part is not None and part.role in (ParticipantRole.MEMBER, ParticipantRole.SECRETARIAT):
            return True
        return granted_by_hook(self, user)

    def can_read(self, user: Any) -> bool:
        """May `user` see this meeting (drafts only for the secretariat and the chair)?"""
        if not signed_in(user):
            return False
        if self.has_member_access(user):
            return True
        if MeetingState(self.state) == MeetingState.DRAFT:
            return False
        return self.participant(user) is not None or user.id in self.item_invitee_ids()


class MeetingParticipant(Base):
    """Someone invited to the whole meeting."""

    __tablename__ = "meeting_participants"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(
        str_enum(ParticipantRole, length=20), default=ParticipantRole.MEMBER
    )

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    user: Mapped[User] = relationship()


_PARTICIPATION = (MeetingParticipant.meeting_id == Meeting.id) & (
    MeetingParticipant.user_id == sa.bindparam("user_id")
)
_WITH_PARTICIPANT = (
    sa.select(Meeting, MeetingParticipant)
    .outerjoin(MeetingParticipant, _PARTICIPATION)
    .where(Meeting.id == sa.bindparam("meeting_id"))
)


def meeting_with_participant(
    session: sa.orm.Session, meeting_id: int, user_id: int
) -> Meeting | None:
    """The meeting, its `participant` row for person `user_id` known: one statement, not two."""
    ids = {"meeting_id": meeting_id, "user_id": user_id}
    found = session.execute(_WITH_PARTICIPANT, ids).first()
    if found is None:
        return None
    found.Meeting.__dict__.setdefault(_FOUND, {})[user_id] = found.MeetingParticipant
    return found.Meeting


def _forget_found(target: Meeting | None, *_: Any) -> None:
    if target is not None:  # an expired instance may already be gone (a weak reference)
        target.__dict__.pop(_FOUND, None)


for _event in ("expire", "refresh", "refresh_flush"):
    sa.event.listen(Meeting, _event, _forget_found)
for _event in ("append", "remove", "bulk_replace"):
    sa.event.listen(Meeting.participants, _event, _forget_found)


def _participants_written(_mapper: Any, _connection: Any, row: MeetingParticipant) -> None:
    session = sa.orm.object_session(row)
    meeting = session.identity_map.get(identity_key(Meeting, row.meeting_id)) if session else None
    if meeting is not None:
        _forget_found(meeting)


for _event in ("after_insert", "after_update", "after_delete"):
    sa.event.listen(MeetingParticipant, _event, _participants_written)
