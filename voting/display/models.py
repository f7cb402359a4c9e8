"""Room screen display tokens: the secretariat lets one screen show one meeting, read-only,
until it revokes the token. Only the token's hash is stored."""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet.db import Base, utcnow
from cabinet.users.models import User
from meetings.models import Meeting


def token_digest(token: str) -> str:
    """The stored form of a display token (SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class DisplayToken(Base):
    """A revocable permission for one screen to show one meeting's room view."""

    __tablename__ = "display_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(100), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    meeting: Mapped[Meeting] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def is_active(self) -> bool:
        """True until the secretariat revokes it."""
        return self.revoked_at is None
