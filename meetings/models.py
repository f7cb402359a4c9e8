"""Meetings, their participants, agenda items and papers (with versions, readers and reads).

The state machine of a meeting and the access questions (`can_read`, `can_manage`, ...) live
here so that views, API, sockets and other packages all ask the same thing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet.db import Base, TimestampMixin, utcnow
from cabinet.errors import InvalidState
from cabinet.users.models import Role, User
from meetings.permissions import granted_by_hook


def _enum(cls) -> sa.Enum:
    """Store a StrEnum by value in a portable VARCHAR with a CHECK-free validation."""
    return sa.Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "active", True)
    )


def _is_secretariat(user) -> bool:
    return _signed_in(user) and user.has_role(Role.SECRETARIAT)


class MeetingKind(StrEnum):
    REGULAR = "regular"
    THEMATIC = "thematic"
    URGENT = "urgent"


class MeetingForm(StrEnum):
    IN_ROOM = "in_room"
    ONLINE = "online"
    HYBRID = "hybrid"


class MeetingState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    IN_SESSION = "in_session"
    CLOSED = "closed"
    ARCHIVED = "archived"


class ParticipantRole(StrEnum):
    MEMBER = "member"
    INVITEE = "invitee"
    SECRETARIAT = "secretariat"


class ItemKind(StrEnum):
    DECISION = "decision"
    DISCUSSION = "discussion"
    INFORMATION = "information"


class Classification(StrEnum):
    NORMAL = "normal"
    RESTRICTED = "restricted"
    SECRET = "secret"


KIND_LABELS = {
    MeetingKind.REGULAR: _l("Phiên họp thường kỳ"),
    MeetingKind.THEMATIC: _l("Phiên họp chuyên đề"),
    MeetingKind.URGENT: _l("Phiên họp bất thường"),
}
FORM_LABELS = {
    MeetingForm.IN_ROOM: _l("Họp tập trung"),
    MeetingForm.ONLINE: _l("Họp trực tuyến"),
    MeetingForm.HYBRID: _l("Tập trung kết hợp trực tuyến"),
}
STATE_LABELS = {
    MeetingState.DRAFT: _l("Dự thảo"),
    MeetingState.PUBLISHED: _l("Đã công bố"),
    MeetingState.IN_SESSION: _l("Đang họp"),
    MeetingState.CLOSED: _l("Đã bế mạc"),
    MeetingState.ARCHIVED: _l("Đã lưu trữ"),
}
ITEM_KIND_LABELS = {
    ItemKind.DECISION: _l("Cho ý kiến quyết định"),
    ItemKind.DISCUSSION: _l("Thảo luận"),
    ItemKind.INFORMATION: _l("Báo cáo, thông tin"),
}
CLASSIFICATION_LABELS = {
    Classification.NORMAL: _l("Thường"),
    Classification.RESTRICTED: _l("Mật"),
    Classification.SECRET: _l("Tối mật"),
}

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


class Meeting(TimestampMixin, Base):
    """A cabinet session: regular, thematic or urgent."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(_enum(MeetingKind), default=MeetingKind.REGULAR)
    title: Mapped[str] = mapped_column(sa.String(300))
    number: Mapped[str] = mapped_column(sa.String(50), default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime | None] = mapped_column(nullable=True)
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    form: Mapped[MeetingForm] = mapped_column(_enum(MeetingForm), default=MeetingForm.IN_ROOM)
    chair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    state: Mapped[MeetingState] = mapped_column(
        _enum(MeetingState), default=MeetingState.DRAFT, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(nullable=True)
    opened_at: Mapped[datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    archived_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Bumped on every change to the meeting, its agenda or papers: lets a tablet tell
    # whether the snapshot it holds is current.
    version: Mapped[int] = mapped_column(default=1)

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

    def can_move_to(self, target: MeetingState) -> bool:
        """Return True when `target` is reachable from the current state in one step."""
        return (MeetingState(self.state), MeetingState(target)) in TRANSITIONS

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
        """In session → closed: the chair closes the meeting."""
        self._move(MeetingState.CLOSED)
        self.closed_at = utcnow()

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

    # -- people --------------------------------------------------------------------------

    def participant(self, user) -> MeetingParticipant | None:
        """The participation row of `user` in this meeting, if any."""
        uid = getattr(user, "id", None)
        return next((p for p in self.participants if p.user_id == uid), None)

    def member_ids(self) -> set[int]:
        """Ids of the cabinet members invited (participants with role MEMBER)."""
        return {p.user_id for p in self.participants if p.role == ParticipantRole.MEMBER}

    def participant_ids(self) -> set[int]:
        """Ids of everyone invited to the whole meeting, whatever their role."""
        return {p.user_id for p in self.participants}

    def item_invitee_ids(self) -> set[int]:
        """Ids of people invited to one or more items only."""
        return {u.id for item in self.items for u in item.invitees}

    # -- questions -----------------------------------------------------------------------

    def can_manage(self, user) -> bool:
        """The secretariat prepares and changes meetings."""
        return _is_secretariat(user)

    def can_chair(self, user) -> bool:
        """True for the meeting's chair."""
        return _signed_in(user) and self.chair_id is not None and self.chair_id == user.id

    def has_member_access(self, user) -> bool:
        """Reads the whole agenda (members, the chair, deputies via hooks, the secretariat)."""
        if not _signed_in(user):
            return False
        if self.can_manage(user) or self.can_chair(user):
            return True
        if MeetingState(self.state) == MeetingState.DRAFT:
            return False
        part = self.participant(user)
        if part is not None and part.role in (ParticipantRole.MEMBER, ParticipantRole.SECRETARIAT):
            return True
        return granted_by_hook(self, user)

    def can_read(self, user) -> bool:
        """May `user` see this meeting (drafts only for the secretariat and the chair)?"""
        if not _signed_in(user):
            return False
        if self.has_member_access(user):
            return True
        if MeetingState(self.state) == MeetingState.DRAFT:
            return False
        return self.participant(user) is not None or user.id in self.item_invitee_ids()


item_invitees = sa.Table(
    "agenda_item_invitees",
    Base.metadata,
    sa.Column("item_id", sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


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
        _enum(ParticipantRole), default=ParticipantRole.MEMBER
    )

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    user: Mapped[User] = relationship()


class AgendaItem(TimestampMixin, Base):
    """One item of a meeting's agenda."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(500))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[ItemKind] = mapped_column(_enum(ItemKind), default=ItemKind.DECISION)
    ministry: Mapped[str] = mapped_column(sa.String(300), default="")
    presenter: Mapped[str] = mapped_column(sa.String(300), default="")
    planned_minutes: Mapped[int] = mapped_column(default=15)
    # A restricted item is for the cabinet and the invitees named on it only.
    restricted: Mapped[bool] = mapped_column(default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    invitees: Mapped[list[User]] = relationship(secondary=item_invitees, order_by=User.name)
    papers: Mapped[list[Paper]] = relationship(
        back_populates="item", order_by="Paper.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<AgendaItem {self.id} #{self.position} {self.title!r}>"

    def is_item_invitee(self, user) -> bool:
        """True when `user` is invited to this item only."""
        uid = getattr(user, "id", None)
        return any(u.id == uid for u in self.invitees)

    def can_read(self, user) -> bool:
        """May `user` see this item and its normal papers?"""
        meeting = self.meeting
        if not meeting.can_read(user):
            return False
        if meeting.has_member_access(user) or self.is_item_invitee(user):
            return True
        # Whole-meeting invitees see every item except the restricted ones.
        part = meeting.participant(user)
        return part is not None and part.role == ParticipantRole.INVITEE and not self.restricted


class Paper(TimestampMixin, Base):
    """A document attached to an agenda item, with its versions."""

    __tablename__ = "papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(500))
    classification: Mapped[Classification] = mapped_column(
        _enum(Classification), default=Classification.NORMAL
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column(nullable=True)
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    current_version_id: Mapped[int | None] = mapped_column(
        # SET NULL: the two tables point at each other; a bulk delete of versions must not fail.
        sa.ForeignKey(
            "paper_versions.id",
            use_alter=True,
            name="fk_papers_current_version",
            ondelete="SET NULL",
        ),
        nullable=True,
    )

    item: Mapped[AgendaItem] = relationship(back_populates="papers")
    versions: Mapped[list[PaperVersion]] = relationship(
        back_populates="paper",
        foreign_keys="PaperVersion.paper_id",
        order_by="PaperVersion.number",
        cascade="all, delete-orphan",
    )
    current_version: Mapped[PaperVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    readers: Mapped[list[PaperReader]] = relationship(
        back_populates="paper", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Paper {self.id} {self.title!r} {self.classification}>"

    @property
    def meeting(self) -> Meeting:
        """The meeting this paper belongs to."""
        return self.item.meeting

    @property
    def is_withdrawn(self) -> bool:
        """True once the secretariat withdrew the paper."""
        return self.withdrawn_at is not None

    @property
    def is_classified(self) -> bool:
        """True for restricted and secret papers (named readers, watermark, audited reads)."""
        return Classification(self.classification) != Classification.NORMAL

    def reader_ids(self) -> set[int]:
        """Ids of the people named as readers of a classified paper."""
        return {r.user_id for r in self.readers}

    def can_see(self, user) -> bool:
        """May `user` know that this paper exists (title, versions) on the item page?"""
        if self.meeting.can_manage(user):
            return True
        if self.is_classified:
            return _signed_in(user) and self.meeting.can_read(user) and user.id in self.reader_ids()
        return self.item.can_read(user)

    def can_read(self, user) -> bool:
        """May `user` open the paper's content now? Withdrawn papers are served to nobody
        but the secretariat."""
        if not self.can_see(user):
            return False
        return not self.is_withdrawn or self.meeting.can_manage(user)


class PaperVersion(Base):
    """One uploaded version of a paper; the file is stored by SHA-256."""

    __tablename__ = "paper_versions"
    __table_args__ = (sa.UniqueConstraint("paper_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(
        sa.ForeignKey("papers.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(default=1)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    media_type: Mapped[str] = mapped_column(sa.String(150))
    # "pdf", "docx", "xlsx", "pptx": what the upload was, found from its content.
    kind: Mapped[str] = mapped_column(sa.String(20))
    display_name: Mapped[str] = mapped_column(sa.String(255))
    page_count: Mapped[int | None] = mapped_column(nullable=True)
    # The PDF members read; None means the upload could not be converted (download only).
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    paper: Mapped[Paper] = relationship(back_populates="versions", foreign_keys=[paper_id])
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def readable(self) -> bool:
        """True when there is a PDF to read (else the original is offered as a download)."""
        return self.pdf_sha256 is not None


class PaperReader(Base):
    """A person allowed to read a restricted or secret paper."""

    __tablename__ = "paper_readers"

    paper_id: Mapped[int] = mapped_column(
        sa.ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)

    paper: Mapped[Paper] = relationship(back_populates="readers")
    user: Mapped[User] = relationship()


class PaperRead(Base):
    """The latest version of a paper a person has opened ("updated since you last read")."""

    __tablename__ = "paper_reads"

    paper_id: Mapped[int] = mapped_column(
        sa.ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    version_number: Mapped[int] = mapped_column(default=1)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


def aware(value: datetime | None) -> datetime | None:
    """Treat a naive datetime as UTC (values from forms are converted before this)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
