"""The number register: consecutive numbers per document type and year, no gaps, never reused.

The counter row is created if missing (``INSERT ... ON CONFLICT DO NOTHING``), then incremented
with ``UPDATE ... RETURNING``: the UPDATE holds the row lock until the issuing transaction
commits, so two issuances at the same instant on PostgreSQL are serialized, and a rolled-back
issuance rolls its increment back with it (no gap). On SQLite the write lock serializes them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from cabinet.dates import local
from cabinet.db import db, insert_unless_present, utcnow
from cabinet.errors import InvalidState, ValidationFailed
from records.models import RegisterCounter, RegisterEntry

#: Document type code → symbol suffix (Decree 30/2020: "12/NQ-CP").
SYMBOLS = {"NQ": "NQ-CP", "BB": "BB-CP", "BC": "BC-VPCP"}


T = TypeVar("T")
#: Renders retried when another issuance takes the number first (then the register is busy).
ISSUE_ATTEMPTS = 5


class RegisterBusy(InvalidState):
    code = "register.busy"
    default_message = _l("Sổ đăng ký đang bận; hãy thử lại.")


def _symbol(doc_type: str, number: int) -> str:
    # Decree 30: below 10 with a leading 0 ("02/NQ-CP").
    return f"{number:02d}/{SYMBOLS.get(doc_type, doc_type + '-CP')}"


def _ensure_counter(doc_type: str, year: int) -> None:
    # The first write of the transaction, so SQLite takes its write lock here (no busy snapshot).
    db.session.execute(
        insert_unless_present(RegisterCounter, "doc_type", "year").values(
            doc_type=doc_type, year=year, last_number=0
        )
    )


def issue_rendered(
    doc_type: str,
    *,
    title: str,
    actor: Any,
    render: Callable[[str], T],
    now: datetime | None = None,
) -> tuple[RegisterEntry, T]:
    """Render with the number the register will give next, then take that number.

    The counter row is locked only from the take to the commit, never while rendering: the
    number is read without a lock, ``render(symbol)`` runs, then a conditional UPDATE takes the
    number if it is still the next one. If another issuance took it meanwhile, render again with
    the following number (a few times, then :class:`RegisterBusy`).
    """
    now = now or utcnow()
    year = local(now).year
    where = (RegisterCounter.doc_type == doc_type, RegisterCounter.year == year)
    if db.session.scalar(select(RegisterCounter.last_number).where(*where)) is None:
        # Only the year's first issuance creates the row (which others then wait for).
        _ensure_counter(doc_type, year)
    for _attempt in range(ISSUE_ATTEMPTS):
        last = db.session.scalar(select(RegisterCounter.last_number).where(*where))
        number = last + 1
        result = render(_symbol(doc_type, number))
        taken = db.session.execute(
            update(RegisterCounter)
            .where(*where, RegisterCounter.last_number == last)
            .values(last_number=number)
            .returning(RegisterCounter.last_number)
        ).scalar_one_or_none()
        if taken is None:
            # A concurrent issuance took the number (and committed): read the counter again.
            continue
        return _add_entry(doc_type, year, number, title=title, actor=actor, now=now), result
    raise RegisterBusy(doc_type=doc_type)


def _add_entry(
    doc_type: str, year: int, number: int, *, title: str, actor: Any, now: datetime
) -> RegisterEntry:
    entry = RegisterEntry(
        doc_type=doc_type,
        year=year,
        number=number,
        symbol=_symbol(doc_type, number),
        title=title[:500],
        issued_at=now,
        issued_by_id=getattr(actor, "id", None),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def next_number(doc_type: str, year: int) -> int:
    """Take the next number of ``doc_type`` in ``year`` (locks the counter until commit)."""
    _ensure_counter(doc_type, year)
    return db.session.execute(
        update(RegisterCounter)
        .where(RegisterCounter.doc_type == doc_type, RegisterCounter.year == year)
        .values(last_number=RegisterCounter.last_number + 1)
        .returning(RegisterCounter.last_number)
    ).scalar_one()


class AlreadyVoided(InvalidState):
    code = "register.already_voided"
    default_message = _l("Số này đã bị hủy trong sổ đăng ký.")


def void_entry(
    entry: RegisterEntry, *, reason: str, actor: Any, now: datetime | None = None
) -> None:
    """Void a number that was issued but never used for a signed record (kept, never reused)."""
    if entry.voided_at is not None:
        raise AlreadyVoided(symbol=entry.symbol)
    if entry.final_sha256:
        raise InvalidState(_l("Văn bản đã ký và đăng ký; không thể hủy số."), symbol=entry.symbol)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(fields={"reason": [_l("Hãy ghi lý do hủy số.")]})
    entry.voided_at = now or utcnow()
    entry.void_reason = reason[:500]
    entry.voided_by_id = getattr(actor, "id", None)
    db.session.flush()


def issue_entry(
    doc_type: str, *, title: str, actor: Any, now: datetime | None = None
) -> RegisterEntry:
    """Issue a register entry with the next number for the current year (local time)."""
    now = now or utcnow()
    year = local(now).year
    number = next_number(doc_type, year)
    return _add_entry(doc_type, year, number, title=title, actor=actor, now=now)
