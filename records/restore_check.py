"""The restore check of `cabinet restore`: every signed record's file is back and its signatures
verify (a final record also matches its register entry)."""

from __future__ import annotations

import random

from sqlalchemy import select

from cabinet.backup import CheckOutcome
from cabinet.db import db
from records.models import DecisionRecord, Minutes, RecordState, SignatureEvent
from records.signing import sha256_hex, store
from records.verify import verify_document


def signed_records() -> list[Minutes | DecisionRecord]:
    """Every record that carries at least one signature, in a stable order."""
    found: list[Minutes | DecisionRecord] = []
    for model in (Minutes, DecisionRecord):
        signed = select(SignatureEvent.record_id).where(
            SignatureEvent.record_type == model.record_type
        )
        found.extend(
            db.session.scalars(select(model).where(model.id.in_(signed)).order_by(model.id))
        )
    return found


def _problem(record: Minutes | DecisionRecord) -> str | None:
    """Why the record's current file does not verify, or None when it does."""
    name = f"{record.record_type} #{record.id}"
    sha = record.pdf_sha256
    if not sha or not store().exists(sha):
        return f"{name}: its file is missing"
    with store().open(sha) as handle:
        data = handle.read()
    if sha256_hex(data) != sha:
        return f"{name}: its file does not match its SHA-256"
    result = verify_document(data)
    final = record.state == RecordState.LOCKED and record.register_entry_id is not None
    if final and not result["ok"]:
        return f"{name}: {result['verdict']}"
    if not result["signatures_ok"]:
        return f"{name}: a signature does not verify"
    return None


def verify_signed_records(sample: int | None) -> CheckOutcome:
    """Verify every signed record (or a random `sample` of them)."""
    records = signed_records()
    if sample is not None and len(records) > sample:
        records = random.SystemRandom().sample(records, sample)
    problems = [p for p in map(_problem, records) if p]
    if problems:
        return CheckOutcome(False, f"{len(problems)} of {len(records)} failed: {problems[0]}")
    return CheckOutcome(True, f"{len(records)} signed record(s): every signature verified")
