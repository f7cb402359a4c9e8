"""Papers of an agenda item: their versions, the named readers of classified ones, and reads."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet.db import Base, TimestampMixin, str_enum, utcnow
from cabinet.users.models import User
from meetings.models.enums import Classification
from meetings.models.rules import paper_visible

if TYPE_CHECKING:
    from meetings.models.agenda import AgendaItem
    from meetings.models.meeting import Meeting


class Paper(TimestampMixin, Base):
    """A document attached to an agenda item, with its versions."""

    __tablename__ = "papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(500))
    classification: Mapped[Classification] = mapped_column(
        str_enum(Classification, length=20), default=Classification.NORMAL
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

    @property
    def reference(self) -> str:
        """The paper's register reference ("TL-00012"): how records name a classified paper."""
        return f"TL-{self.id:05d}"

    def reader_ids(self) -> set[int]:
        """Ids of the people named as readers of a classified paper."""
        return {r.user_id for r in self.readers}

    @property
    def versions_newest_first(self) -> list[PaperVersion]:
        """Every version, the latest first (as the item page and tablets list them)."""
        return list(reversed(self.versions))

    def version(self, number: int | None) -> PaperVersion | None:
        """Version `number`, or the current version when `number` is None."""
        if number is None:
            return self.current_version
        return next((v for v in self.versions if v.number == number), None)

    def can_see(self, user: Any) -> bool:
        """May `user` know that this paper exists (title, versions) on the item page?
        (`meetings.models.rules`)"""
        readers = self.reader_ids() if self.is_classified else ()
        return paper_visible(
            self.meeting, self.is_classified, readers, lambda: self.item.can_read(user), user
        )

    def can_read(self, user: Any) -> bool:
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
