"""The audit log: append-only hash chain; any edit or deletion is found and named."""

from __future__ import annotations

from sqlalchemy import select, text

from cabinet.audit import record, verify_chain
from cabinet.audit.models import AuditEntry
from cabinet.audit.services import GENESIS, entry_hash


def _entries(db):
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()


def test_entries_are_chained_when_the_session_commits(db, make_user):
    user = make_user()
    record("test.first", user, data={"x": 1}, actor=user)
    record("test.second", user, actor=None)
    assert _entries(db) == []  # nothing is written before the commit
    db.session.commit()
    first, second = _entries(db)
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    assert first.hash == entry_hash(first)
    assert (first.actor_id, first.actor_name, first.object_type, first.object_id) == (
        user.id,
        user.name,
        "users",
        str(user.id),
    )
    assert first.data == {"x": 1}
    assert second.actor_id is None
    assert verify_chain(db.session).ok


def test_rolled_back_work_leaves_no_audit_entry(db, make_user):
    record("test.never", make_user())
    db.session.rollback()
    db.session.commit()
    assert _entries(db) == []


def _chain(db, make_user, n=4):
    user = make_user()
    for i in range(n):
        record("test.step", user, data={"i": i}, actor=user)
        db.session.commit()


def test_editing_a_row_with_plain_sql_is_detected_and_named(db, make_user):
    _chain(db, make_user)
    db.session.execute(text("UPDATE audit_log SET action = 'test.forged' WHERE seq = 2"))
    report = verify_chain(db.session)
    assert not report.ok and report.broken_seq == 2
    assert "changed" in str(report) and "#2" in str(report)


def test_editing_data_is_detected(db, make_user):
    _chain(db, make_user)
    db.session.execute(text("UPDATE audit_log SET data = '{\"i\": 99}' WHERE seq = 3"))
    report = verify_chain(db.session)
    assert (report.ok, report.broken_seq) == (False, 3)


def test_deleting_a_middle_row_is_detected(db, make_user):
    _chain(db, make_user)
    db.session.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    report = verify_chain(db.session)
    assert (report.ok, report.broken_seq) == (False, 2)
    assert "missing" in report.reason


def test_deleting_the_last_rows_is_detected(db, make_user):
    _chain(db, make_user)
    db.session.execute(text("DELETE FROM audit_log WHERE seq = 4"))
    report = verify_chain(db.session)
    assert not report.ok and "end were removed" in report.reason


def test_rehashing_a_forged_row_still_breaks_the_next_link(db, make_user):
    _chain(db, make_user)
    forged = db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 2))
    forged.action = "test.forged"
    forged.hash = entry_hash(forged)
    db.session.flush()
    report = verify_chain(db.session)
    assert (report.ok, report.broken_seq) == (False, 3)


def test_a_rolled_back_inner_savepoint_drops_only_what_it_recorded(db, make_user):
    user = make_user()
    record("test.kept", user, actor=user)
    try:
        with db.session.begin_nested():
            record("test.inner", user, actor=user)
            raise RuntimeError("the inner step fails")
    except RuntimeError:
        pass
    db.session.commit()
    record("test.after", user, actor=user)
    db.session.commit()
    assert [e.action for e in _entries(db)] == ["test.kept", "test.after"]
