"""Archive export: every final record with its register entry and a SHA-256 manifest.

The layout is a plain folder an archive can ingest and check with standard tools:

    DIR/records/<year>-<type>-<number>.pdf        the final, fully signed file
    DIR/records/<year>-<type>-<number>.json       its register entry and signatures
    DIR/manifest.json                             every file with its SHA-256 and size
    DIR/manifest-sha256.txt                       the same, in `sha256sum -c` format

Files are copied from the content store and checked against the register's SHA-256 on the
way out: a store file that no longer matches its register entry stops the export.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from cabinet.db import db, utcnow
from cabinet.storage import ContentStore
from records.models import DecisionRecord, Minutes, RecordState, SignatureEvent

MANIFEST = "manifest.json"
CHECKSUMS = "manifest-sha256.txt"


class ArchiveMismatch(Exception):
    """A stored file does not match the SHA-256 its register entry holds."""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def final_records() -> list[Minutes | DecisionRecord]:
    """Every locked record whose final file is in the register, in register order."""
    found: list[Minutes | DecisionRecord] = []
    for model in (Minutes, DecisionRecord):
        found.extend(
            db.session.scalars(
                select(model).where(
                    model.state == RecordState.LOCKED, model.register_entry_id.is_not(None)
                )
            )
        )
    found = [r for r in found if r.register_entry.final_sha256]
    return sorted(
        found,
        key=lambda r: (r.register_entry.year, r.register_entry.doc_type, r.register_entry.number),
    )


def entry_of(record: Minutes | DecisionRecord) -> dict[str, Any]:
    """The register entry of a final record, with the signatures that made it final."""
    entry = record.register_entry
    events = db.session.scalars(
        select(SignatureEvent)
        .where(
            SignatureEvent.record_type == record.record_type,
            SignatureEvent.record_id == record.id,
        )
        .order_by(SignatureEvent.signed_at, SignatureEvent.id)
    )
    return {
        "symbol": entry.symbol,
        "doc_type": entry.doc_type,
        "year": entry.year,
        "number": entry.number,
        "title": entry.title,
        "issued_at": _iso(entry.issued_at),
        "issued_by": entry.issued_by.name if entry.issued_by else None,
        "final_sha256": entry.final_sha256,
        "record_type": record.record_type,
        "record_id": record.id,
        "kind": str(getattr(record, "kind", "minutes")),
        "meeting_id": getattr(record, "meeting_id", None),
        "ballot_id": getattr(record, "ballot_id", None),
        "locked_at": _iso(record.locked_at),
        "signatures": [
            {
                "role": str(e.role),
                "signer": e.signer.name,
                "field": e.field_name,
                "signed_at": _iso(e.signed_at),
                "sha256_after": e.sha256_after,
            }
            for e in events
        ],
    }


def _write(path: Path, data: bytes) -> dict[str, Any]:
    path.write_bytes(data)
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def export_records(target: Path, store: ContentStore) -> dict[str, Any]:
    """Write every final record (PDF + register entry) and the manifest into ``target``."""
    folder = target / "records"
    folder.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    records = []
    for record in final_records():
        entry = record.register_entry
        with store.open(entry.final_sha256) as handle:
            pdf = handle.read()
        if hashlib.sha256(pdf).hexdigest() != entry.final_sha256:
            raise ArchiveMismatch(entry.symbol)
        stem = f"{entry.year}-{entry.doc_type}-{entry.number:03d}"
        pdf_info = _write(folder / f"{stem}.pdf", pdf)
        data = json.dumps(entry_of(record), ensure_ascii=False, indent=2).encode()
        json_info = _write(folder / f"{stem}.json", data)
        files += [
            {"path": f"records/{stem}.pdf", **pdf_info},
            {"path": f"records/{stem}.json", **json_info},
        ]
        records.append({"symbol": entry.symbol, "year": entry.year, "pdf": f"records/{stem}.pdf"})
    manifest = {
        "generator": "e-Cabinet records export",
        "exported_at": utcnow().isoformat(),
        "algorithm": "SHA-256",
        "records": records,
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    (target / CHECKSUMS).write_text("".join(f"{f['sha256']}  {f['path']}\n" for f in files))
    return manifest
