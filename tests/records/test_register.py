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
