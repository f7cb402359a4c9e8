"""Records of the cabinet: minutes with revisions and comments, decision records, the number
register, signature events and each signer's key store.

The life cycles are enforced here: minutes go draft → circulated → final → signed by the
secretary → locked, decision records draft → issued → signed by the secretary → locked; a
locked record refuses every change at flush time, whoever tries.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from cabinet.db import Base, TimestampMixin, utcnow
from cabinet.errors import Conflict, Forbidden, InvalidState
from cabinet.users.models import User
from meetings.models import Meeting


def _enum(cls: type[StrEnum], name: str) -> sa.Enum:
    return sa.Enum(
        cls,
        name=name,
        native_enum=False,
        length=30,
        values_callable=lambda e: [m.value for m in e],
    )


class RecordState(StrEnum):
    """Where a record is in its life (minutes use all; decisions skip circulation)."""

    DRAFT = "draft"
    CIRCULATED = "circulated"
    FINAL = "final"
    ISSUED = "issued"
    SIGNED_BY_SECRETARY = "signed_by_secretary"
    LOCKED = "locked"

    @property
    def label(self) -> str:
        """The state for people."""
        return str(STATE_LABELS[self])


STATE_LABELS = {
    RecordState.DRAFT: _l("Dự thảo"),
    RecordState.CIRCULATED: _l("Đang lấy ý kiến góp ý"),
    RecordState.FINAL: _l("Bản cuối, chờ ký"),
    RecordState.ISSUED: _l("Đã cấp số, chờ ký"),
    RecordState.SIGNED_BY_SECRETARY: _l("Thư ký đã ký, chờ chủ tọa ký"),
    RecordState.LOCKED: _l("Đã ký số và khóa"),
}

#: States in which the text may still be edited.
EDITABLE = frozenset({RecordState.DRAFT, RecordState.CIRCULATED})


class DecisionKind(StrEnum):
    """A session's resolution, or the decision of a concluded opinion ballot."""

    RESOLUTION = "resolution"
    BALLOT_DECISION = "ballot_decision"


class SignerRole(StrEnum):
    """Who signs: the secretary first (certifying), the chair last (approval)."""

    SECRETARY = "secretary"
    CHAIR = "chair"


class RecordStateError(InvalidState):
    code = "record.invalid_state"
    default_message = _l("Thao tác không phù hợp với trạng thái hiện tại của văn bản.")


class RecordLocked(InvalidState):
    code = "record.locked"
    default_message = _l("Văn bản đã được ký số và khóa; không thể thay đổi.")


class EditConflict(Conflict):
    code = "record.edit_conflict"
    default_message = _l(
        "Văn bản vừa được người khác lưu. Hãy xem các thay đổi của họ rồi lưu lại."
    )


class SigningOutOfOrder(InvalidState):
    code = "record.signing_order"
    default_message = _l("Chưa đến lượt ký của bạn.")


class NotTheSigner(Forbidden):
    code = "record.not_signer"
    default_message = _l("Bạn không phải người ký văn bản này.")


class SigningRefused(InvalidState):
    code = "record.signing_failed"
    default_message = _l("Không ký được văn bản.")


class _Lifecycle:
    """State moves shared by minutes and decision records."""

    state: RecordState
    kind_label: Any

    def _require(self, *allowed: RecordState) -> None:
        if self.state not in allowed:
            if self.state == RecordState.LOCKED:
                raise RecordLocked()
            raise RecordStateError(
                _l(
                    "Không thể thực hiện: văn bản đang ở trạng thái “%(state)s”.",
                    state=RecordState(self.state).label,
                ),
                state=str(self.state),
            )

    @property
    def is_editable(self) -> bool:
        """True while the text may change."""
        return self.state in EDITABLE

    def ensure_editable(self) -> None:
        """Refuse edits once the text is final."""
        self._require(*EDITABLE)

    @property
    def awaiting(self) -> SignerRole | None:
        """Whose signature the record waits for, if any."""
        if self.state in (RecordState.FINAL, RecordState.ISSUED):
            return SignerRole.SECRETARY
        if self.state == RecordState.SIGNED_BY_SECRETARY:
            return SignerRole.CHAIR
        return None

    def mark_signed(self, role: SignerRole) -> None:
        """Advance after a signature: the secretary's first, then the chair's locks the record."""
        if role == SignerRole.SECRETARY:
            self._require(RecordState.FINAL, RecordState.ISSUED)
            self.state = RecordState.SIGNED_BY_SECRETARY
        else:
            self._require(RecordState.SIGNED_BY_SECRETARY)
            self.state = RecordState.LOCKED


class Minutes(_Lifecycle, TimestampMixin, Base):
    """The minutes (biên bản) of one session: structured content, edited, signed, locked."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[RecordState] = mapped_column(
        _enum(RecordState, "record_state"), default=RecordState.DRAFT
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

    kind_label = _l("Biên bản")
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

    def finalize(self, now: datetime) -> None:
        """draft/circulated → final: the text is frozen and waits for the secretary's signature."""
        self._require(RecordState.DRAFT, RecordState.CIRCULATED)
        self.state = RecordState.FINAL
        self.finalized_at = now

    def can_read(self, user: Any) -> bool:
        """Members of the meeting (incl. deputies who attended), the chair, the secretariat."""
        return self.meeting.has_member_access(user)

    def can_edit(self, user: Any) -> bool:
        """The secretariat drafts and edits the minutes."""
        return self.meeting.can_manage(user)

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


class DecisionRecord(_Lifecycle, TimestampMixin, Base):
    """A resolution of a session or the decision of an opinion ballot (Decree 30/2020 layout)."""

    __tablename__ = "decision_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DecisionKind] = mapped_column(_enum(DecisionKind, "decision_kind"))
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True, index=True
    )
    ballot_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ballots.id", ondelete="SET NULL"), nullable=True, index=True
    )
    doc_type: Mapped[str] = mapped_column(sa.String(10), default="NQ")
    state: Mapped[RecordState] = mapped_column(
        _enum(RecordState, "record_state"), default=RecordState.DRAFT
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
    secretary: Mapped[User | None] = relationship(foreign_keys=[secretary_id])
    chair: Mapped[User | None] = relationship(foreign_keys=[chair_id])
    register_entry: Mapped[RegisterEntry | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    kind_label = _l("Nghị quyết")
    record_type = "decision"

    def issue(self, now: datetime) -> None:
        """draft → issued (the number is taken from the register by the service)."""
        self._require(RecordState.DRAFT)
        self.state = RecordState.ISSUED
        self.issued_at = now

    def can_read(self, user: Any) -> bool:
        """The secretariat, the chair; members of the meeting, or the ballot's readers."""
        if not getattr(user, "is_authenticated", False):
            return False
        from cabinet.users.models import Role

        if user.has_role(Role.SECRETARIAT, Role.CHAIR):
            return True
        if self.meeting is not None:
            return self.meeting.has_member_access(user)
        if self.ballot_id is not None:
            from cabinet.db import db
            from voting.ballots.models import Ballot

            ballot = db.session.get(Ballot, self.ballot_id)
            return ballot is not None and ballot.can_read(user)
        return False

    def can_edit(self, user: Any) -> bool:
        """The secretariat drafts decision records."""
        from cabinet.users.models import Role

        return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.SECRETARIAT)

    def __repr__(self) -> str:
        return f"<DecisionRecord {self.id} {self.kind} {self.state}>"


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

    issued_by: Mapped[User | None] = relationship()


class SignatureEvent(Base):
    """A signature placed on a record: who, in which capacity, the file before and after."""

    __tablename__ = "record_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(sa.String(20))
    record_id: Mapped[int]
    role: Mapped[SignerRole] = mapped_column(_enum(SignerRole, "signer_role"))
    signer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    field_name: Mapped[str] = mapped_column(sa.String(40))
    backend: Mapped[str] = mapped_column(sa.String(10))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    sha256_before: Mapped[str] = mapped_column(sa.String(64))
    sha256_after: Mapped[str] = mapped_column(sa.String(64), index=True)

    signer: Mapped[User] = relationship()


class SigningIdentity(Base):
    """Where a person's signing key lives: a PKCS#12 file (default) or a PKCS#11 token."""

    __tablename__ = "signing_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    backend: Mapped[str] = mapped_column(sa.String(10), default="pkcs12")
    p12_path: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    pkcs11_module: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    token_label: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    slot: Mapped[int | None] = mapped_column(nullable=True)
    key_label: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    #: PEM file with the issuing chain when the token holds only the end-entity certificate.
    chain_path: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)

    user: Mapped[User] = relationship()


_FROZEN = {"content", "meeting_id", "kind", "ballot_id", "doc_type", "title"}


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_locked_records(session: Session, flush_context, instances) -> None:
    """A locked record is final; a final/issued one keeps its text. Enforced for every writer."""
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, Minutes | DecisionRecord):
            continue
        state = sa.inspect(obj).attrs.state.history
        was = RecordState(state.deleted[0] if state.deleted else obj.state)
        if obj in session.deleted and was != RecordState.DRAFT:
            raise RecordLocked() if was == RecordState.LOCKED else RecordStateError()
        if was == RecordState.LOCKED and session.is_modified(obj, include_collections=False):
            raise RecordLocked()
        if was not in EDITABLE and was != RecordState.DRAFT:
            changed = {
                attr.key for attr in sa.inspect(obj).attrs if attr.history.has_changes()
            } & _FROZEN
            if changed:
                raise RecordStateError(
                    _l("Văn bản đã chốt; muốn sửa phải trả về dự thảo trước."),
                    fields=sorted(changed),
                )
    for obj in session.new:
        if isinstance(obj, MinutesComment | MinutesRevision):
            minutes = (
                obj.minutes if obj.minutes is not None else session.get(Minutes, obj.minutes_id)
            )
            if minutes is not None and minutes.state == RecordState.LOCKED:
                raise RecordLocked()
