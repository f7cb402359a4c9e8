"""An item of a meeting's agenda, and the people invited to that item only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet.db import Base, TimestampMixin, str_enum
from cabinet.users.models import User
from meetings.models.enums import ItemKind
from meetings.models.rules import item_readable

if TYPE_CHECKING:
    from meetings.models.meeting import Meeting
    from meetings.models.papers import Paper


item_invitees = sa.Table(
    "agenda_item_invitees",
    Base.metadata,
    sa.Column("item_id", sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


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
    kind: Mapped[ItemKind] = mapped_column(str_enum(ItemKind, length=20), default=ItemKind.DECISION)
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

    def is_item_invitee(self, user: Any) -> bool:
        """True when `user` is invited to this item only."""
        return getattr(user, "id", None) in self.invitee_ids()

    def invitee_ids(self) -> set[int]:
        """Ids of the people invited to this item only (their ids alone when the people are not
        loaded: a join asks this of the item under discussion)."""
        session = sa.orm.object_session(self)
        if "invitees" in self.__dict__ or session is None or self.id is None:
            return {u.id for u in self.invitees}
        found = sa.select(item_invitees.c.user_id).where(item_invitees.c.item_id == self.id)
        return set(session.scalars(found))

    def can_read(self, user: Any) -> bool:
        """May `user` see this item and its normal papers? (`meetings.models.rules`)"""
        return item_readable(self.meeting, self.restricted, self.invitee_ids(), user)
