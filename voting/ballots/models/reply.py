"""Members' replies to a ballot: the current answers, and every revision kept in history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet.db import Base, str_enum, utcnow
from cabinet.users.models import User
from voting.ballots.models.ballot import Ballot, BallotQuestion


class AnswerChoice(StrEnum):
    """A member's answer to one question."""

    AGREE = "agree"
    DISAGREE = "disagree"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The answer for people."""
        return str(CHOICE_LABELS[self])

    @property
    def needs_comment(self) -> bool:
        """Disagreeing or giving another opinion must be explained."""
        return self is not AnswerChoice.AGREE


CHOICE_LABELS = {
    AnswerChoice.AGREE: _l("Đồng ý"),
    AnswerChoice.DISAGREE: _l("Không đồng ý"),
    AnswerChoice.OTHER: _l("Ý kiến khác"),
}


class ResponseStatus(StrEnum):
    """A member's reply: saved as a draft, or submitted."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class BallotResponse(Base):
    """A member's reply to a ballot: the current answers, plus every revision in history."""

    __tablename__ = "ballot_responses"
    __table_args__ = (UniqueConstraint("ballot_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[ResponseStatus] = mapped_column(
        str_enum(ResponseStatus, "ballot_response_status"), default=ResponseStatus.DRAFT
    )
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    ballot: Mapped[Ballot] = relationship()
    user: Mapped[User] = relationship()
    answers: Mapped[list[BallotAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", lazy="selectin"
    )
    revisions: Mapped[list[BallotResponseRevision]] = relationship(
        back_populates="response",
        order_by="BallotResponseRevision.number",
        cascade="all, delete-orphan",
    )

    @property
    def submitted(self) -> bool:
        """True once the member has submitted (a later revision keeps it submitted)."""
        return self.status is ResponseStatus.SUBMITTED

    def answer_for(self, question_id: int) -> BallotAnswer | None:
        """The current answer to one question."""
        return next((a for a in self.answers if a.question_id == question_id), None)


class BallotAnswer(Base):
    """The current answer of one member to one question."""

    __tablename__ = "ballot_answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("ballot_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("ballot_questions.id", ondelete="CASCADE"))
    choice: Mapped[AnswerChoice | None] = mapped_column(
        str_enum(AnswerChoice, "ballot_answer_choice")
    )
    #: Sanitized HTML (nh3), safe to render as-is.
    comment: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_mime: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None]

    response: Mapped[BallotResponse] = relationship(back_populates="answers")
    question: Mapped[BallotQuestion] = relationship()


class BallotResponseRevision(Base):
    """A snapshot of a reply each time it is saved or submitted: who, when, what."""

    __tablename__ = "ballot_response_revisions"
    __table_args__ = (UniqueConstraint("response_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("ballot_responses.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    submitted: Mapped[bool]
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    response: Mapped[BallotResponse] = relationship(back_populates="revisions")
    by: Mapped[User] = relationship()
