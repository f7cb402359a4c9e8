"""Reader models: private notes per paper page, and the board pack cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet.db import Base, utcnow


class PaperNote(Base):
    """A member's private note on one page of a paper; only its author ever sees it."""

    __tablename__ = "paper_notes"
    __table_args__ = (
        CheckConstraint("page >= 1", name="page_positive"),
        Index("ix_paper_notes_author_paper_page", "author_id", "paper_id", "page"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"))
    #: The version number the author was reading; page numbers refer to that version.
    version_number: Mapped[int]
    page: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    author = relationship("User", lazy="raise_on_sql")
    paper = relationship("Paper", lazy="joined")

    def is_visible_to(self, user) -> bool:
        """Notes are private: visible to their author only (not the admin, not the chair)."""
        return user is not None and user.id == self.author_id


class BoardPack(Base):
    """A built board pack PDF, cached per meeting and per exact set of included paper versions."""

    __tablename__ = "board_packs"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    #: sha256 of the pack's plan: meeting version, items, included version shas, listed papers.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    page_count: Mapped[int]
    built_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    built_at: Mapped[datetime] = mapped_column(default=utcnow)
    build_seconds: Mapped[float] = mapped_column(default=0.0)


class Presentation(Base):
    """The paper and page the secretariat (or the presenting ministry) shows the room; tablets
    that follow open it there. One row per meeting while something is shown."""

    __tablename__ = "presentations"
    __table_args__ = (CheckConstraint("page >= 1", name="page_positive"),)

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"))
    page: Mapped[int]
    presenter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    paper = relationship("Paper", lazy="joined")


class PaperComment(Base):
    """A member's comment on one page of a draft paper, for the secretariat and the presenting
    ministry (unlike a note, which only its author sees)."""

    __tablename__ = "paper_comments"
    __table_args__ = (
        CheckConstraint("page >= 1", name="page_positive"),
        Index("ix_paper_comments_paper_page", "paper_id", "page"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: The version the author was reading; page numbers refer to that version.
    version_number: Mapped[int]
    page: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")
    paper = relationship("Paper", lazy="joined")
