"""Notices sent about a ballot: one row per person and notice, the key of the tick's idempotency."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cabinet.db import Base, utcnow


class BallotReminder(Base):
    """A notice sent to one person about one ballot; the unique key makes the tick idempotent.

    ``kind`` is ``sent`` (the sending notice), ``before:<seconds>`` (an automatic reminder that
    many seconds before the deadline) or ``manual:<n>`` (the secretariat's one-click reminder).
    """

    __tablename__ = "ballot_reminders"
    __table_args__ = (UniqueConstraint("ballot_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
