"""The minutes (biên bản) of a session, each save as a revision, and members' corrections."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet.db import Base, TimestampMixin, str_enum, utcnow
from cabinet.errors import ValidationFailed
from cabinet.users.models import User
from meetings.models import Meeting
from records.models.lifecycle import Lifecycle, RecordState
from records.models.register import RegisterEntry


class MinutesWithoutConclusions(ValidationFailed):
    """Minutes that record no conclusion and no decision on any item are not finalised."""

    code = "minutes.no_conclusions"
    default_message = _l(
        "Biên bản chưa có kết luận của chủ tọa hay quyết định nào: hãy ghi kết luận cho các "
        "nội dung rồi mới chốt bản cuối."
    )


class Minutes(Lifecycle, TimestampMixin, Base):
    """The minutes (biên bản) of one session: structured content, edited, signed, locked."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[RecordState] = mapped_column(
        str_enum(RecordState, "record_state"), default=RecordState.DRAFT
    )
    #: The structured minutes (see records.compose); edited field by field.
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    version: Mapped[int] = mapped_column(default=1)
    secretary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    chair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    register_entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("register_entries.id"), nullable=True
    )
    #: The current PDF (rendered at "final", replaced by each signed revision).
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    circulated_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finalized_at: Mapped[datetime | None] = mapped_column(nullable=True)
    locked_at: Mapped[datetime | None] = mapped_column(nullable=True)

    meeting: Mapped[Meeting] = relationship()
    secretary: Mapped[User | None] = relationship(foreign_keys=[secretary_id])
    chair: Mapped[User | None] = relationship(foreign_keys=[chair_id])
    register_entry: Mapped[RegisterEntry | None] = relationship()
    revisions: Mapped[list[MinutesRevision]] = relationship(
        back_populates="minutes", order_by="MinutesRevision.number", cascade="all, delete-orphan"
    )
    comments: Mapped[list[MinutesComment]] = relationship(
        back_populates="minutes", order_by="MinutesComment.id", cascade="all, delete-orphan"
    )

    # UPDATE ... WHERE version = :seen: a concurrent save that slipped past the check fails.
    __mapper_args__ = {"version_id_col": version}

    record_type = "minutes"

    def circulate(self, now: datetime) -> None:
        """draft → circulated: the members present may comment per item."""
        self._require(RecordState.DRAFT)
        self.state = RecordState.CIRCULATED
        self.circulated_at = now

    def back_to_draft(self) -> None:
        """circulated or final (unsigned) → draft, to take in corrections."""
        self._require(RecordState.CIRCULATED, RecordState.FINAL)
        self.state = RecordState.DRAFT

    def ensure_concluded(self) -> None:
        """Raise MinutesWithoutConclusions when no item has a conclusion or a decision (the
        fields to fill are named: each item's "Kết luận của chủ tọa")."""
        items = self.content.get("items") or []
        if not items or any(
            (item.get("conclusion") or "").strip() or (item.get("decision") or "").strip()
            for item in items
        ):
            return
        message = _l("Hãy ghi kết luận của chủ tọa.")
        raise MinutesWithoutConclusions(
            fields={f"items.{i}.conclusion": [message] for i in range(len(items))}
        )

    def finalize(self, now: datetime) -> None:
        """draft/circulated → final: the text is frozen and waits for the secretary's signature;
        refused while no item has a conclusion or a decision."""
        self._require(RecordState.DRAFT, RecordState.CIRCULATED)
        self.ensure_concluded()
        self.state = RecordState.FINAL
        self.finalized_at = now

    def can_read(self, user: Any) -> bool:
        """Members of the meeting (incl. deputies who attended), the chair, the secretariat."""
        return self.meeting.has_member_access(user)

    def can_edit(self, user: Any) -> bool:
        """The secretariat drafts and edits the minutes."""
        return self.meeting.can_manage(user)

    def present_member_ids(self) -> set[int]:
        """Who attended: the members present and deputies present (they correct the minutes)."""
        attendance = self.content["attendance"]
        ids = {p["id"] for p in attendance["present"]}
        ids |= {d["deputy"]["id"] for d in attendance["deputies"] if d.get("present")}
        return ids

    def can_comment(self, user: Any) -> bool:
        """Who may propose corrections: the members present, the chair and the secretariat."""
        return (
            user.id in self.present_member_ids()
            or self.meeting.can_chair(user)
            or self.can_edit(user)
        )

    def __repr__(self) -> str:
        return f"<Minutes {self.id} meeting={self.meeting_id} {self.state}>"


class MinutesRevision(Base):
    """One save of the minutes: who, when, and the field-level changes."""

    __tablename__ = "minutes_revisions"
    __table_args__ = (sa.UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"))
    #: The minutes' version this save produced (1 = the generated draft).
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: [{"path", "label", "old", "new"}]
    changes: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    minutes: Mapped[Minutes] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()


class MinutesComment(Base):
    """A correction proposed by a member present, on one agenda item of circulated minutes."""

    __tablename__ = "minutes_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"))
    #: The agenda item commented on (None: the minutes as a whole).
    item_id: Mapped[int | None] = mapped_column(nullable=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    minutes: Mapped[Minutes] = relationship(back_populates="comments")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
