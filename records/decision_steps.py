"""Steps of a decision record around its signing: back to draft before anyone signed, voiding
a number issued but never signed, and the summary of opinions of a concluded ballot as a
record (the office seals and registers it). Re-exported by ``records.services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.audit import record as audit
from cabinet.db import db
from cabinet.errors import InvalidState
from cabinet.users.models import User
from records import numbering
from records.compose.decisions import lower_first
from records.models import DecisionKind, DecisionRecord, RecordState
from voting.ballots.models import Ballot, BallotStatus


def reopen_decision(record: DecisionRecord, *, actor: User) -> DecisionRecord:
    """A decision made final for signing goes back to draft (before anyone signed)."""
    record.reopen()
    db.session.flush()
    audit("decision.reopened", record, actor=actor)
    return record


def ballot_summary_record(ballot: Ballot, *, actor: User | None) -> DecisionRecord:
    """The summary of opinions of a concluded ballot as a record: the file voting rendered and
    stored once at the conclusion, waiting for the office's seal, number and date."""
    existing = db.session.scalar(
        select(DecisionRecord).where(
            DecisionRecord.ballot_id == ballot.id,
            DecisionRecord.kind == DecisionKind.BALLOT_SUMMARY,
        )
    )
    if existing is not None:
        return existing
    if ballot.status != BallotStatus.CONCLUDED or not ballot.summary_sha256:
        raise InvalidState(_l("Phiếu lấy ý kiến chưa có kết luận của Thủ tướng."))
    record = DecisionRecord(
        kind=DecisionKind.BALLOT_SUMMARY,
        ballot_id=ballot.id,
        doc_type="BC",
        title=f"Báo cáo tổng hợp ý kiến thành viên Chính phủ về {lower_first(ballot.title)}"[:500],
        content={"summary_of": ballot.id},
        state=RecordState.FINAL,
        secretary_id=getattr(actor, "id", None),
        chair_id=ballot.conclusion.decided_by_id if ballot.conclusion else None,
        created_by_id=getattr(actor, "id", None),
        pdf_sha256=ballot.summary_sha256,
    )
    db.session.add(record)
    db.session.flush()
    audit("decision.summary_recorded", record, data={"ballot_id": ballot.id}, actor=actor)
    return record


def void_decision_number(record: DecisionRecord, *, reason: str, actor: User) -> DecisionRecord:
    """Void the number of a decision that was issued but never signed; it returns to draft.

    The register keeps the voided entry with its reason (numbers are never reused)."""
    entry = record.register_entry
    if entry is None or record.state != RecordState.ISSUED:
        raise InvalidState(_l("Chỉ hủy được số của văn bản đã cấp số nhưng chưa ký."))
    numbering.void_entry(entry, reason=reason, actor=actor)
    record.unissue()
    db.session.flush()
    audit(
        "decision.number_voided",
        record,
        data={"number": entry.symbol, "reason": entry.void_reason},
        actor=actor,
    )
    return record
