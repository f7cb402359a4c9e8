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
