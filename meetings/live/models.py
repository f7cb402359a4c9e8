"""The live session: who is here, which item is being discussed, who asked to speak."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet.db import Base, str_enum, utcnow
from cabinet.users.models import User
from meetings.models import AgendaItem, Meeting


class Presence(StrEnum):
    """Whether a person is in the session."""

    PRESENT = "present"
    ABSENT = "absent"


class AttendanceMode(StrEnum):
    """How a present person attends."""

    IN_ROOM = "in_room"
    REMOTE = "remote"


class Attendance(Base):
    """One person's attendance at a session; for an absent member, the deputy sent instead."""

    __tablename__ = "live_attendance"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    presence: Mapped[Presence] = mapped_column(
        str_enum(Presence, length=20), default=Presence.ABSENT
    )
    mode: Mapped[AttendanceMode | None] = mapped_column(
        str_enum(AttendanceMode, length=20), nullable=True
    )
    # Absent with the chair's leave ("vắng có phép") and why, as the minutes state it.
    with_leave: Mapped[bool] = mapped_column(default=False)
    leave_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    deputy_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id"), nullable=True, index=True
    )
    deputy_present: Mapped[bool] = mapped_column(default=False)
    arrived_at: Mapped[datetime | None] = mapped_column(nullable=True)
    left_at: Mapped[datetime | None] = mapped_column(nullable=True)
    marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    deputy: Mapped[User | None] = relationship(foreign_keys=[deputy_id])

    @property
    def is_present(self) -> bool:
        """True while the person is in the session (in the room or remote)."""
        return self.presence == Presence.PRESENT


class LiveSession(Base):
    """The running state of a session: the item under discussion."""

    __tablename__ = "live_sessions"

    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    current_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), nullable=True
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # How long each speaker may speak, unless an item sets its own (None: no limit).
    speaking_seconds: Mapped[int | None] = mapped_column(nullable=True)

    meeting: Mapped[Meeting] = relationship()
    current_item: Mapped[AgendaItem | None] = relationship()


class ItemProgress(Base):
    """Time spent on an item (server-authoritative) and whether its speakers' list is closed."""

    __tablename__ = "live_item_progress"

    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True
    )
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    # Seconds accumulated in earlier turns; while current, `running_since` is set and clients
    # count from it (elapsed = elapsed_seconds + now − running_since).
    elapsed_seconds: Mapped[int] = mapped_column(default=0)
    running_since: Mapped[datetime | None] = mapped_column(nullable=True)
    list_closed: Mapped[bool] = mapped_column(default=False)
    # This item's time per speaker; None follows the session's.
    speaking_seconds: Mapped[int | None] = mapped_column(nullable=True)

    item: Mapped[AgendaItem] = relationship()

    def elapsed(self, now: datetime | None = None) -> int:
        """Seconds spent on the item so far."""
        extra = 0
        if self.running_since is not None:
            extra = int(((now or utcnow()) - self.running_since).total_seconds())
        return self.elapsed_seconds + max(extra, 0)


class SpeakerStatus(StrEnum):
    """Where a request to speak stands."""

    WAITING = "waiting"
    SPEAKING = "speaking"
    DONE = "done"
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"


class SpeakerCapacity(StrEnum):
    """In which capacity someone speaks (shown in the queue and the minutes)."""

    CHAIR = "chair"
    MEMBER = "member"
    DEPUTY = "deputy"
    INVITEE = "invitee"


class SpeakingRequest(Base):
    """A request to speak on an item, in the order asked; the chair gives the floor."""

    __tablename__ = "live_speaking_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    capacity: Mapped[SpeakerCapacity] = mapped_column(str_enum(SpeakerCapacity, length=20))
    # A deputy speaks for the absent member who sent them.
    for_member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    status: Mapped[SpeakerStatus] = mapped_column(
        str_enum(SpeakerStatus, length=20), default=SpeakerStatus.WAITING
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    floor_at: Mapped[datetime | None] = mapped_column(nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(nullable=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    for_member: Mapped[User | None] = relationship(foreign_keys=[for_member_id])
    item: Mapped[AgendaItem] = relationship()
