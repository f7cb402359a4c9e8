"""Decision records: a session's resolution or an opinion ballot's decision (Decree 30/2020)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet.db import Base, TimestampMixin, str_enum
from cabinet.users.models import Role, User
from meetings.models import Meeting
from records.models.lifecycle import Lifecycle, RecordState
from records.models.register import RegisterEntry
from voting.ballots.models import Ballot


class DecisionKind(StrEnum):
    """A session's resolution, or the decision of a concluded opinion ballot."""

    RESOLUTION = "resolution"
    BALLOT_DECISION = "ballot_decision"
    #: The summary of opinions of a concluded ballot, sealed and registered by the office.
    BALLOT_SUMMARY = "ballot_summary"


class DecisionRecord(Lifecycle, TimestampMixin, Base):
    """A resolution of a session or the decision of an opinion ballot (Decree 30/2020 layout)."""

    __tablename__ = "decision_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DecisionKind] = mapped_column(str_enum(DecisionKind, "decision_kind"))
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True, index=True
    )
    ballot_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ballots.id", ondelete="SET NULL"), nullable=True, index=True
    )
    doc_type: Mapped[str] = mapped_column(sa.String(10), default="NQ")
    state: Mapped[RecordState] = mapped_column(
        str_enum(RecordState, "record_state"), default=RecordState.DRAFT
    )
    title: Mapped[str] = mapped_column(sa.String(500))
    #: Bases, articles, signer's capacity, recipients (see records.compose).
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    version: Mapped[int] = mapped_column(default=1)
    secretary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    chair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    register_entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("register_entries.id"), nullable=True
    )
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    issued_at: Mapped[datetime | None] = mapped_column(nullable=True)
    locked_at: Mapped[datetime | None] = mapped_column(nullable=True)

    meeting: Mapped[Meeting | None] = relationship()
    ballot: Mapped[Ballot | None] = relationship()
    secretary: Mapped[User | None] = relationship(foreign_keys=[secretary_id])
    chair: Mapped[User | None] = relationship(foreign_keys=[chair_id])
    register_entry: Mapped[RegisterEntry | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    record_type = "decision"

    def issue(self, now: datetime) -> None:
        """draft → issued (the number is taken from the register by the service)."""
        self._require(RecordState.DRAFT)
        self.state = RecordState.ISSUED
        self.issued_at = now

    def finalize(self, now: datetime) -> None:
        """draft → final: frozen for the competent person's signature, without a number yet
        (Decree 30/2020: the number and date are issued after the signer signs)."""
        self._require(RecordState.DRAFT)
        self.state = RecordState.FINAL

    def reopen(self) -> None:
        """final (nobody signed yet) → draft."""
        self._require(RecordState.FINAL)
        self.state = RecordState.DRAFT
        self.pdf_sha256 = None

    def unissue(self) -> None:
        """issued (numbered, not signed) → draft: its number is voided in the register."""
        self._require(RecordState.ISSUED)
        self.state = RecordState.DRAFT
        self.issued_at = None
        self.register_entry = None
        self.pdf_sha256 = None

    def can_read(self, user: Any) -> bool:
        """The secretariat, the chair; members of the meeting, or the ballot's readers."""
        if not getattr(user, "is_authenticated", False):
            return False
        if user.has_role(Role.SECRETARIAT, Role.CHAIR):
            return True
        if self.meeting is not None:
            return self.meeting.has_member_access(user)
        if self.ballot is not None:
            return self.ballot.can_read(user)
        return False

    def can_edit(self, user: Any) -> bool:
        """The secretariat drafts decision records."""
        return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.SECRETARIAT)

    def __repr__(self) -> str:
        return f"<DecisionRecord {self.id} {self.kind} {self.state}>"
