"""Archived records keep proving themselves: their document timestamps are renewed in time.

A locked record's PDF ends with a document timestamp (PAdES B-LTA) whose TSA certificate has
an end date: after it, nothing proves the file existed unaltered before. The tick job
``records.retimestamp`` finds the records whose newest timestamp expires within
``ECABINET_RETIMESTAMP_DAYS`` and adds, in an incremental update, that timestamp's validation
data and a new document timestamp (``PdfTimeStamper.update_archival_timestamp_chain``).

The extended file starts with the exact bytes of the previous one, so every signature stays
as it was; it becomes the record's file and the register's final hash, and the audit log keeps
the previous hash (``record.retimestamped``) so an earlier copy still verifies as the record.
This is the one change a locked record accepts, written with an UPDATE statement after the
new file was checked to extend the old one (the ORM guard on locked records stays strict).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update

from cabinet.audit import record as audit
from cabinet.config import settings
from cabinet.db import db
from cabinet.signing import SigningFailed
from cabinet.signing.ltv import archive_horizon, extend_archive
from cabinet.tick import register_job
from records.models import DecisionRecord, Minutes, RecordState
from records.signing import store, trust_policy
from records.verify import RETIMESTAMPED

log = logging.getLogger(__name__)

#: sha256 -> horizon of the stored files already read (a file never changes under its hash).
_horizons: dict[str, datetime | None] = {}
#: sha256 -> when extending it last gave no later horizon (retry a day later).
_stuck: dict[str, datetime] = {}


def horizon_of(sha256: str) -> datetime | None:
    """Until when the stored file validates as it is (cached by hash)."""
    if sha256 not in _horizons:
        with store().open(sha256) as handle:
            _horizons[sha256] = archive_horizon(handle.read())
    return _horizons[sha256]


def archived_records() -> list[Minutes | DecisionRecord]:
    """Every locked record with a stored file."""
    records: list[Minutes | DecisionRecord] = []
    for model in (Minutes, DecisionRecord):
        records.extend(
            db.session.scalars(
                select(model).where(
                    model.state == RecordState.LOCKED, model.pdf_sha256.is_not(None)
                )
            )
        )
    return records


def retimestamp_record(record: Minutes | DecisionRecord) -> str | None:
    """Extend the record's timestamp chain; the new hash, or None if it gained nothing."""
    config = settings()
    old_sha = record.pdf_sha256
    with store().open(old_sha) as handle:
        old = handle.read()
    new = extend_archive(old, timestamp_url=config.timestamp_url, trust=trust_policy())
    if not new.startswith(old):
        raise SigningFailed("the extended file does not start with the archived one")
    old_horizon, new_horizon = horizon_of(old_sha), archive_horizon(new)
    if old_horizon is not None and (new_horizon is None or new_horizon <= old_horizon):
        return None  # the TSA's certificate ends no later: renew it first
    new_sha = store().put_bytes(new)
    _horizons[new_sha] = new_horizon
    model = type(record)
    db.session.execute(
        update(model).where(model.id == record.id).values(pdf_sha256=new_sha),
        execution_options={"synchronize_session": "fetch"},
    )
    entry = record.register_entry
    if entry is not None:
        entry.final_sha256 = new_sha
    audit(
        RETIMESTAMPED,
        record,
        data={
            "sha256_before": old_sha,
            "sha256_after": new_sha,
            "register_entry_id": entry.id if entry is not None else None,
            "horizon": new_horizon.isoformat() if new_horizon else None,
        },
    )
    return new_sha


def retimestamp_due(now: datetime) -> str | None:
    """Tick job: renew the archive timestamps that expire within the configured horizon."""
    window = timedelta(days=settings().retimestamp_days)
    extended, stuck = 0, 0
    for record in archived_records():
        horizon = horizon_of(record.pdf_sha256)
        if horizon is None or horizon - now > window:
            continue
        tried = _stuck.get(record.pdf_sha256)
        if tried is not None and now - tried < timedelta(days=1):
            stuck += 1
            continue
        try:
            new_sha = retimestamp_record(record)
        except SigningFailed as exc:
            log.warning("archive timestamp of %r not renewed: %s", record, exc)
            new_sha = None
        if new_sha is None:
            _stuck[record.pdf_sha256] = now
            stuck += 1
            log.warning(
                "archive timestamp of %r expires %s and could not be moved later: "
                "renew the TSA certificate (`cabinet pki renew-tsa`)",
                record,
                horizon,
            )
        else:
            extended += 1
    if not extended and not stuck:
        return None
    return f"{extended} archive timestamp(s) renewed, {stuck} waiting for a later TSA certificate"


def register_jobs() -> None:
    """Add the archive re-timestamping job to the tick."""
    register_job("records.retimestamp", retimestamp_due, order=80)
