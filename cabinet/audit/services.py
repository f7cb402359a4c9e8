"""Recording audit events and verifying the chain.

`record()` only queues the event on the session; the entries are chained and inserted when that
session commits (`before_commit`), under a lock on the chain head, so the head is held for the
shortest time and a rolled-back request leaves no audit entry of things that never happened.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import bindparam, event, select, update
from sqlalchemy.orm import Session

from cabinet.audit.models import AuditEntry, AuditHead
from cabinet.db import commit_queue, is_savepoint_release, take_queue, utcnow

GENESIS = "0" * 64
_CURRENT = object()
_PENDING = "ecabinet.audit_pending"


def record(
    action: str, obj: Any = None, *, data: dict[str, Any] | None = None, actor: Any = _CURRENT
) -> None:
    """Queue an audit event (`noun.verb`) about `obj`; it is written when the session commits."""

    if actor is _CURRENT:
        actor = _current_actor()
    commit_queue(_PENDING).append(
        {
            "at": utcnow(),
            "actor_id": getattr(actor, "id", None),
            "actor_name": getattr(actor, "name", "") or "",
            "action": action,
            "obj": obj,
            "ip": request.remote_addr if has_request_context() else None,
            "data": data or {},
        }
    )


def _current_actor() -> Any:
    if not has_request_context():
        return None
    return current_user if current_user and current_user.is_authenticated else None


_HASHED = (
    "seq", "at", "actor_id", "actor_name", "action", "object_type", "object_id", "ip", "data",
    "prev_hash",
)  # fmt: skip
_INSERT_ENTRIES = AuditEntry.__table__.insert()
# Built once: every commit that audits runs both (building one cost more than running it).
_ADVANCE_HEAD = (
    update(AuditHead)
    .where(AuditHead.id == 1)
    .values(seq=AuditHead.seq + bindparam("entries"))
    .returning(AuditHead.seq, AuditHead.last_hash)
)
_SET_LAST_HASH = update(AuditHead).where(AuditHead.id == 1).values(last_hash=bindparam("last_hash"))


def canonical(entry: AuditEntry) -> bytes:
    """The bytes that an entry's hash covers (everything but its own hash)."""
    return _canonical_body({name: getattr(entry, name) for name in _HASHED})


def _hash_of(row: dict[str, Any]) -> str:
    """`entry_hash` of an entry not built yet, from its column values."""
    return hashlib.sha256(_canonical_body(row)).hexdigest()


def _canonical_body(values: dict[str, Any]) -> bytes:
    body = {name: values[name] for name in _HASHED}
    body["at"] = values["at"].isoformat(timespec="microseconds")
    return json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 of the entry's canonical content."""
    return hashlib.sha256(canonical(entry)).hexdigest()


def _object_ref(obj: Any) -> tuple[str | None, str | None]:
    if obj is None:
        return None, None
    table = getattr(obj, "__tablename__", type(obj).__name__.lower())
    ident = getattr(obj, "id", None)
    return table, None if ident is None else str(ident)


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


@event.listens_for(Session, "before_commit")
def _chain_pending(session: Session) -> None:
    if is_savepoint_release(session):
        return  # chained once, at the real commit: one head update per transaction
    pending = take_queue(session, _PENDING)
    if not pending:
        return
    session.flush()  # objects created in this request get their ids before they are referenced
    conn = session.connection()
    head = conn.execute(_ADVANCE_HEAD, {"entries": len(pending)}).first()
    if head is None:  # first entry ever: create the head (unique id 1 makes a race fail loudly)
        conn.execute(AuditHead.__table__.insert().values(id=1, seq=len(pending), last_hash=GENESIS))
        last_seq, prev = len(pending), GENESIS
    else:
        last_seq, prev = head
    seq = last_seq - len(pending)
    rows = []
    for item in pending:
        seq += 1
        object_type, object_id = _object_ref(item["obj"])
        row = {
            "seq": seq,
            "at": item["at"],
            "actor_id": item["actor_id"],
            "actor_name": item["actor_name"],
            "action": item["action"],
            "object_type": object_type,
            "object_id": object_id,
            "ip": item["ip"],
            "data": _json_safe(item["data"]),
            "prev_hash": prev,
        }
        row["hash"] = prev = _hash_of(row)
        rows.append(row)
    # One Core statement for the whole list (a batch of casts writes dozens of entries): no
    # ORM objects to build and flush. Nothing reads the entries back in this transaction.
    conn.execute(_INSERT_ENTRIES, rows)
    conn.execute(_SET_LAST_HASH, {"last_hash": prev})


@dataclass
class ChainReport:
    """The result of walking the chain."""

    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"audit chain OK: {self.checked} entries verified"
        return f"audit chain BROKEN at entry #{self.broken_seq}: {self.reason}"


def verify_chain(session: Session, batch: int = 2000) -> ChainReport:
    """Walk every entry in order; report the first entry whose content or link does not hold."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected_seq:
                return ChainReport(
                    False,
                    checked,
                    expected_seq,
                    f"entry #{expected_seq} is missing (found #{entry.seq})",
                )
            if entry.prev_hash != prev:
                return ChainReport(
                    False, checked, entry.seq, "link to the previous entry does not match"
                )
            if entry_hash(entry) != entry.hash:
                return ChainReport(
                    False, checked, entry.seq, "content was changed after it was written"
                )
            prev = entry.hash
            expected_seq += 1
            checked += 1
            last_id = entry.id
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.last_hash != prev):
        return ChainReport(
            False,
            checked,
            checked + 1 if head.seq > checked else head.seq,
            "entries at the end were removed",
        )
    return ChainReport(True, checked)


def describe(entry: AuditEntry) -> dict[str, Any]:
    """An entry as plain data (API, exports)."""
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat() if isinstance(entry.at, datetime) else entry.at,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "ip": entry.ip,
        "data": entry.data,
        "hash": entry.hash,
    }
