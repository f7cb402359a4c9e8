"""Verification of a PDF: every signature (pyHanko) and whether the file is a record we issued."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from cabinet.db import db
from cabinet.signing import verify_pdf
from cabinet.signing.cli import format_report
from records.models import DecisionRecord, Minutes, RegisterEntry, SignatureEvent
from records.signing import outside_event_loop, sha256_hex, trust_roots


def register_status(sha256: str) -> dict[str, Any]:
    """Whether a file with this hash is a record: the locked final, an earlier stage, or unknown."""
    entry = db.session.scalar(select(RegisterEntry).where(RegisterEntry.final_sha256 == sha256))
    if entry is not None:
        return {
            "in_register": True,
            "status": "final",
            "number": entry.symbol,
            "title": entry.title,
            "issued_at": entry.issued_at.isoformat(),
        }
    event = db.session.scalar(
        select(SignatureEvent)
        .where(or_(SignatureEvent.sha256_after == sha256, SignatureEvent.sha256_before == sha256))
        .order_by(SignatureEvent.id)
    )
    unsigned = db.session.scalar(
        select(Minutes.id).where(Minutes.pdf_sha256 == sha256)
    ) or db.session.scalar(select(DecisionRecord.id).where(DecisionRecord.pdf_sha256 == sha256))
    if event is not None or unsigned is not None:
        return {
            "in_register": False,
            "status": "earlier_version",
            "record_type": event.record_type if event else None,
            "record_id": event.record_id if event else unsigned,
        }
    return {"in_register": False, "status": "unknown"}


def verify_document(data: bytes) -> dict[str, Any]:
    """The full verdict on a PDF: signatures, register status, and the bottom line."""
    sha = sha256_hex(data)
    report = outside_event_loop(verify_pdf, data, trust_roots())
    register = register_status(sha)
    body = report.to_dict()
    body["signatures_ok"] = body.pop("ok")
    return {
        "sha256": sha,
        "size": len(data),
        **body,
        "register": register,
        "ok": report.ok and register["in_register"],
        "text": format_report(report),
    }
