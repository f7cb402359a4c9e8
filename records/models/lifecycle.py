"""The life cycle shared by minutes and decision records: states, their labels, the moves and
the errors a wrong move raises."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from cabinet.errors import Conflict, InvalidState


class RecordState(StrEnum):
    """Where a record is in its life (minutes use all; decisions skip circulation)."""

    DRAFT = "draft"
    CIRCULATED = "circulated"
    FINAL = "final"
    ISSUED = "issued"
    SIGNED_BY_SECRETARY = "signed_by_secretary"
    #: Decree 30: the competent person signed; the office issues the number and seals it.
    SIGNED_BY_CHAIR = "signed_by_chair"
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
    RecordState.SIGNED_BY_CHAIR: _l("Người có thẩm quyền đã ký, chờ văn thư cấp số và đóng dấu"),
    RecordState.LOCKED: _l("Đã ký số và khóa"),
}

#: States in which the text may still be edited.
EDITABLE = frozenset({RecordState.DRAFT, RecordState.CIRCULATED})


class SignerRole(StrEnum):
    """Who signs, by capacity. Minutes: the secretary (certifying), then the chair. Decisions
    (Decree 30/2020): the chair (certifying), then the organisation's signature applied by
    the clerk (văn thư), who issues the number and date at that step."""

    SECRETARY = "secretary"
    CHAIR = "chair"
    ORGANISATION = "organisation"


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


class Lifecycle:
    """State moves shared by minutes and decision records (a mixin of both models)."""

    state: RecordState

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
    def signing_order(self) -> tuple[SignerRole, ...]:
        """The signatures this record takes, in order (from its state: a decision made final
        without a number follows Decree 30; one numbered first, the secretary-first order)."""
        if self.record_type == "minutes":
            return (SignerRole.SECRETARY, SignerRole.CHAIR)
        if getattr(self, "kind", None) == "ballot_summary":
            return (SignerRole.ORGANISATION,)
        if self.state in (RecordState.ISSUED, RecordState.SIGNED_BY_SECRETARY):
            return (SignerRole.SECRETARY, SignerRole.CHAIR)
        return (SignerRole.CHAIR, SignerRole.ORGANISATION)

    @property
    def awaiting(self) -> SignerRole | None:
        """Whose signature the record waits for, if any."""
        if self.state in (RecordState.FINAL, RecordState.ISSUED):
            return self.signing_order[0]
        if self.state == RecordState.SIGNED_BY_SECRETARY:
            return SignerRole.CHAIR
        if self.state == RecordState.SIGNED_BY_CHAIR:
            return SignerRole.ORGANISATION
        return None

    def mark_signed(self, role: SignerRole) -> None:
        """Advance after a signature; the last one of the record's order locks it."""
        if role != self.awaiting:
            self._require()  # raises: not this signature's turn in this state
        order = self.signing_order
        if role == order[-1]:
            self.state = RecordState.LOCKED
        elif role == SignerRole.SECRETARY:
            self.state = RecordState.SIGNED_BY_SECRETARY
        else:
            self.state = RecordState.SIGNED_BY_CHAIR
