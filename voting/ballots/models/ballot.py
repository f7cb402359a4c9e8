"""Written opinion ballots ("phiếu lấy ý kiến"): the ballot, its questions, recipients, papers,
approvers and the chair's conclusion (members' replies are in `reply.py`).

The state machine lives on :class:`Ballot`: draft → awaiting_approval → sent → closed →
concluded. Every transition is a method that raises :class:`BallotStateError` when the ballot is
not in a state it may leave that way, so no view or job can skip a step.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet import glossary
from cabinet.db import Base, TimestampMixin, db, str_enum, utcnow
from cabinet.errors import Forbidden, InvalidState
from cabinet.users.models import Role, User


class BallotStatus(StrEnum):
    """Where a ballot is in its life."""

    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    SENT = "sent"
    CLOSED = "closed"
    CONCLUDED = "concluded"

    @property
    def label(self) -> str:
        """The status for people."""
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    BallotStatus.DRAFT: glossary.DRAFT,
    BallotStatus.AWAITING_APPROVAL: _l("Chờ duyệt gửi"),
    BallotStatus.SENT: _l("Đang lấy ý kiến"),
    BallotStatus.CLOSED: glossary.BALLOT_CLOSED,
    BallotStatus.CONCLUDED: _l("Đã kết luận"),
}


class ConclusionOutcome(StrEnum):
    """What the chair decided on the ballot."""

    APPROVED = "approved"
    REJECTED = "rejected"
    REVISE = "revise"

    @property
    def label(self) -> str:
        """The decision for people."""
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    ConclusionOutcome.APPROVED: _l("Thông qua"),
    ConclusionOutcome.REJECTED: _l("Không thông qua"),
    ConclusionOutcome.REVISE: _l("Giao hoàn thiện, trình lại"),
}


class BallotStateError(InvalidState):
    """A transition the ballot's state does not allow."""

    code = "ballot.invalid_state"


class BallotClosed(InvalidState):
    """An answer after the deadline or after the ballot was closed."""

    code = "ballot.closed"
    default_message = _l(
        "Đã hết hạn trả lời phiếu lấy ý kiến này; ý kiến không còn được tiếp nhận."
    )


class NotARecipient(Forbidden):
    """The person was not sent this ballot."""

    code = "ballot.not_recipient"
    default_message = _l("Phiếu lấy ý kiến này không được gửi tới bạn.")


class Ballot(TimestampMixin, Base):
    """An opinion ballot sent to the cabinet members in writing."""

    __tablename__ = "ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    background: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[BallotStatus] = mapped_column(
        str_enum(BallotStatus, "ballot_status"), default=BallotStatus.DRAFT
    )
    deadline: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    return_note: Mapped[str] = mapped_column(Text, default="")
    proposal: Mapped[str] = mapped_column(Text, default="")
    proposal_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposal_at: Mapped[datetime | None]
    #: SHA-256 (content store) of the summary of opinions, rendered once at the conclusion.
    summary_sha256: Mapped[str | None] = mapped_column(String(64))

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    questions: Mapped[list[BallotQuestion]] = relationship(
        back_populates="ballot",
        order_by="BallotQuestion.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    recipients: Mapped[list[BallotRecipient]] = relationship(
        back_populates="ballot", cascade="all, delete-orphan", lazy="selectin"
    )
    papers: Mapped[list[BallotPaper]] = relationship(
        back_populates="ballot", order_by="BallotPaper.id", cascade="all, delete-orphan"
    )
    conclusion: Mapped[BallotConclusion | None] = relationship(
        back_populates="ballot", cascade="all, delete-orphan"
    )

    # ---- questions about people -------------------------------------------------------------

    def recipient(self, user: Any) -> BallotRecipient | None:
        """The user's recipient row, or None when the ballot was not sent to them."""
        user_id = getattr(user, "id", None)
        return next((r for r in self.recipients if r.user_id == user_id), None)

    @property
    def voters(self) -> list[BallotRecipient]:
        """Recipients asked for their opinion (not those informed only), in seat order."""
        return sorted((r for r in self.recipients if r.votes), key=lambda r: r.position)

    def can_manage(self, user: Any) -> bool:
        """The secretariat prepares, sends, closes and summarizes ballots."""
        return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.SECRETARIAT)

    def can_approve(self, user: Any) -> bool:
        """The chair, or a deputy prime minister granted the right, approves sending."""
        if not getattr(user, "is_authenticated", False):
            return False
        return user.has_role(Role.CHAIR) or is_approver(user)

    def can_conclude(self, user: Any) -> bool:
        """Only the chair records the conclusion."""
        return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.CHAIR)

    def can_read(self, user: Any) -> bool:
        """Recipients once sent; the secretariat and approvers at any time."""
        if self.can_manage(user):
            return True
        if self.status is BallotStatus.AWAITING_APPROVAL and self.can_approve(user):
            return True
        if self.status in (BallotStatus.DRAFT, BallotStatus.AWAITING_APPROVAL):
            return False
        return self.recipient(user) is not None or self.can_approve(user)

    def can_answer(self, user: Any) -> bool:
        """A voting recipient of a sent ballot (the deadline is checked when answering)."""
        recipient = self.recipient(user)
        return recipient is not None and recipient.votes and self.status is BallotStatus.SENT

    def is_open(self, now: datetime | None = None) -> bool:
        """Sent and before the deadline: answers are accepted."""
        return self.status is BallotStatus.SENT and (now or utcnow()) < self.deadline

    # ---- the state machine ------------------------------------------------------------------

    def _require(self, *allowed: BallotStatus, action: Any) -> None:
        if self.status not in allowed:
            raise BallotStateError(
                _l(
                    "Không thể %(action)s: phiếu đang ở trạng thái “%(status)s”.",
                    action=action,
                    status=self.status.label,
                ),
                ballot_status=self.status.value,
            )

    def ensure_editable(self) -> None:
        """Only a draft may be edited (a sent ballot is what members answered)."""
        self._require(BallotStatus.DRAFT, action=_l("sửa phiếu"))

    def submit_for_approval(self, now: datetime) -> None:
        """draft → awaiting_approval; the ballot needs at least one question and one voter."""
        self._require(BallotStatus.DRAFT, action=_l("trình duyệt gửi"))
        if not self.questions:
            raise BallotStateError(_l("Phiếu cần ít nhất một câu hỏi trước khi trình duyệt."))
        if not self.voters:
            raise BallotStateError(_l("Phiếu cần ít nhất một thành viên được lấy ý kiến."))
        self.status = BallotStatus.AWAITING_APPROVAL
        self.submitted_at = now
        self.return_note = ""

    def return_to_draft(self, note: str) -> None:
        """awaiting_approval → draft, with the approver's note for the secretariat."""
        self._require(BallotStatus.AWAITING_APPROVAL, action=_l("trả lại dự thảo"))
        self.status = BallotStatus.DRAFT
        self.return_note = note

    def approve(self, by: User, now: datetime) -> None:
        """awaiting_approval → sent; refuses a deadline already past."""
        self._require(BallotStatus.AWAITING_APPROVAL, action=_l("duyệt gửi phiếu"))
        if self.deadline <= now:
            raise BallotStateError(
                _l("Hạn trả lời đã qua; hãy trả lại dự thảo để Văn phòng đặt hạn mới.")
            )
        self.status = BallotStatus.SENT
        self.approved_by = by
        self.sent_at = now

    def close(self, now: datetime, by: User | None = None) -> None:
        """sent → closed: at the deadline (by=None), or earlier by the secretariat."""
        self._require(BallotStatus.SENT, action=_l("kết thúc lấy ý kiến"))
        self.status = BallotStatus.CLOSED
        self.closed_at = now
        self.closed_by = by

    def conclude(self) -> None:
        """closed → concluded (the conclusion row is added by the service)."""
        self._require(BallotStatus.CLOSED, action=_l("ghi kết luận"))
        self.status = BallotStatus.CONCLUDED

    def __repr__(self) -> str:
        return f"<Ballot {self.id} {self.status}>"


class BallotQuestion(Base):
    """One question of a ballot."""

    __tablename__ = "ballot_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)

    ballot: Mapped[Ballot] = relationship(back_populates="questions")


class BallotRecipient(Base):
    """A person the ballot goes to: a member asked to answer, or someone informed only."""

    __tablename__ = "ballot_recipients"
    __table_args__ = (UniqueConstraint("ballot_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    votes: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    ballot: Mapped[Ballot] = relationship(back_populates="recipients")
    user: Mapped[User] = relationship(lazy="joined")


class BallotPaper(Base):
    """A paper attached to a ballot (stored content-addressed, classified like meeting papers)."""

    __tablename__ = "ballot_papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    classification: Mapped[str] = mapped_column(String(20), default="normal")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    ballot: Mapped[Ballot] = relationship(back_populates="papers")

    @property
    def is_classified(self) -> bool:
        """Restricted and secret papers are watermarked and their reads audited."""
        return self.classification != "normal"

    def can_read(self, user: Any) -> bool:
        """Whoever may read the ballot may read its papers."""
        return self.ballot.can_read(user)


class BallotApprover(Base):
    """A deputy prime minister granted the right to approve sending ballots (besides the chair)."""

    __tablename__ = "ballot_approvers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


def is_approver(user: Any) -> bool:
    """True when the user was granted the right to approve ballots."""
    user_id = getattr(user, "id", None)
    if user_id is None:
        return False
    return (
        db.session.scalar(select(BallotApprover.id).where(BallotApprover.user_id == user_id))
        is not None
    )


class BallotConclusion(Base):
    """The chair's conclusion on a closed ballot; the records package turns it into a decision."""

    __tablename__ = "ballot_conclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("ballots.id", ondelete="CASCADE"), unique=True
    )
    text: Mapped[str] = mapped_column(Text)
    outcome: Mapped[ConclusionOutcome] = mapped_column(
        str_enum(ConclusionOutcome, "ballot_outcome")
    )
    tally: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    ballot: Mapped[Ballot] = relationship(back_populates="conclusion")
    decided_by: Mapped[User] = relationship()
