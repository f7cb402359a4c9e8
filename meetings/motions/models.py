"""Prepared motions: the draft decision points the secretariat attaches to an agenda item before
the session, and the amendments added to them during it. The chair opens a vote on one with a
tap; the vote (in `voting`) points back at its motion."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet.db import Base, str_enum, utcnow
from cabinet.users.models import User
from meetings.models import AgendaItem


class MotionKind(StrEnum):
    """A prepared decision point, or an amendment to one."""

    MOTION = "motion"
    AMENDMENT = "amendment"


KIND_LABELS = {MotionKind.MOTION: _l("Dự thảo kết luận"), MotionKind.AMENDMENT: _l("Sửa đổi")}


class Motion(Base):
    """A draft decision point of an agenda item (or an amendment to one)."""

    __tablename__ = "motions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), nullable=True, index=True
    )
    kind: Mapped[MotionKind] = mapped_column(
        str_enum(MotionKind, length=20), default=MotionKind.MOTION
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[AgendaItem] = relationship()
    created_by: Mapped[User | None] = relationship()
    parent: Mapped[Motion | None] = relationship(remote_side=[id], back_populates="amendments")
    amendments: Mapped[list[Motion]] = relationship(
        back_populates="parent", order_by="Motion.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Motion {self.id} {self.kind} of item {self.item_id}>"

    @property
    def is_amendment(self) -> bool:
        """True for an amendment added to a motion."""
        return self.kind == MotionKind.AMENDMENT

    @property
    def label(self) -> str:
        """'Dự thảo kết luận 2' / 'Sửa đổi 2.1': how people name it in the room."""
        if self.parent is not None:
            return f"{KIND_LABELS[MotionKind.AMENDMENT]} {self.parent.position}.{self.position}"
        return f"{KIND_LABELS[MotionKind.MOTION]} {self.position}"
