"""The number register: one counter row per document type and year, one entry per number."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet.db import Base, utcnow
from cabinet.users.models import User


class RegisterCounter(Base):
    """The last number issued per document type and year (locked row while issuing)."""

    __tablename__ = "register_counters"

    doc_type: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class RegisterEntry(Base):
    """One number of the register: consecutive per year and type, never reused."""

    __tablename__ = "register_entries"
    __table_args__ = (sa.UniqueConstraint("doc_type", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(sa.String(10))
    year: Mapped[int]
    number: Mapped[int]
    #: "12/NQ-CP"
    symbol: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(500), default="")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    #: SHA-256 of the locked (fully signed) file, filled when the last signature lands.
    final_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True, index=True)

    #: A number issued to a decision that was never signed is voided, never reused or deleted.
    voided_at: Mapped[datetime | None] = mapped_column(nullable=True)
    void_reason: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    voided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    voided_by: Mapped[User | None] = relationship(foreign_keys=[voided_by_id])
