"""Twenty issuances at the same instant: twenty distinct consecutive numbers, nothing skipped.

Real commits from parallel threads (`committed_db`): on PostgreSQL the counter row is locked by
UPDATE ... RETURNING until each issuing transaction commits; on SQLite the write lock serializes.
"""

from __future__ import annotations

import threading

from sqlalchemy import select

from cabinet.dates import local
from cabinet.db import db, utcnow
from records.models import RegisterCounter, RegisterEntry
from records.numbering import issue_entry, next_number


def test_twenty_parallel_issuances_get_consecutive_numbers(app, committed_db):
    barrier = threading.Barrier(20)
    numbers: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def issue(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                entry = issue_entry("NQ", title=f"Nghị quyết song song {n}", actor=None)
                db.session.commit()
                with lock:
                    numbers.append(entry.number)
            except BaseException as exc:  # reported below, with the thread's own error
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issue, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(numbers) == list(range(1, 21))
    year = local(utcnow()).year
    entries = db.session.scalars(select(RegisterEntry).order_by(RegisterEntry.number)).all()
    assert [e.symbol for e in entries] == [f"{n:02d}/NQ-CP" for n in range(1, 21)]
    assert db.session.get(RegisterCounter, ("NQ", year)).last_number == 20


def test_a_rolled_back_issuance_leaves_no_gap_and_types_count_apart(app, committed_db):
    with app.app_context():
        assert next_number("NQ", 2026) == 1
        db.session.commit()
        assert next_number("NQ", 2026) == 2
        db.session.rollback()  # the document was never issued: its number is not used up
        assert next_number("NQ", 2026) == 2
        assert next_number("BB", 2026) == 1
        assert next_number("NQ", 2027) == 1
        db.session.commit()
        db.session.remove()


def test_the_counter_is_not_locked_while_rendering(app, committed_db):
    """Another issuance made while a record renders neither waits nor collides: the record is
    rendered again with the following number (PostgreSQL; SQLite has one database-wide lock)."""
    import pytest

    from records.numbering import issue_rendered

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serializes every write transaction")
    rendered: list[str] = []
    other: list[int] = []

    def issue_elsewhere() -> None:
        with app.app_context():
            other.append(issue_entry("NQ", title="Nghị quyết khác", actor=None).number)
            db.session.commit()
            db.session.remove()

    def render(symbol: str) -> bytes:
        rendered.append(symbol)
        if len(rendered) == 1:
            thread = threading.Thread(target=issue_elsewhere)
            thread.start()
            thread.join(timeout=20)
            assert not thread.is_alive(), "the counter was locked while rendering"
        return symbol.encode()

    with app.app_context():
        db.session.add(RegisterCounter(doc_type="NQ", year=local(utcnow()).year, last_number=0))
        db.session.commit()
        entry, pdf = issue_rendered("NQ", title="Nghị quyết", actor=None, render=render)
        db.session.commit()
        assert other == [1]
        assert rendered == ["01/NQ-CP", "02/NQ-CP"]
        assert entry.number == 2 and pdf == b"02/NQ-CP"
        db.session.remove()
