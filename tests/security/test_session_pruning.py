"""Ended session records are pruned by the tick after a month; live ones are never touched."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from cabinet import jobs as core_jobs
from cabinet import tick
from cabinet.auth.models import SessionRecord
from cabinet.auth.sessions import open_session, revoke_session, session_is_live
from cabinet.db import utcnow


def _record(user, *, age: timedelta, revoked: timedelta | None = None) -> SessionRecord:
    """A session opened `age` ago (12 h lifetime), revoked `revoked` ago if given."""
    record = open_session(user.id)
    record.created_at = utcnow() - age
    record.expires_at = record.created_at + timedelta(hours=12)
    if revoked is not None:
        record.revoked_at = utcnow() - revoked
    return record


def _keys(db) -> set[str]:
    return set(db.session.scalars(select(SessionRecord.key)))


def test_the_tick_prunes_session_records_that_ended_over_a_month_ago(app, db, make_user):
    user = make_user()
    live = _record(user, age=timedelta(hours=1))
    ended_lately = _record(user, age=timedelta(days=20))  # expired 20 days ago: kept
    revoked_lately = _record(user, age=timedelta(hours=2), revoked=timedelta(hours=1))
    expired_long_ago = _record(user, age=timedelta(days=40))
    revoked_long_ago = _record(user, age=timedelta(days=35), revoked=timedelta(days=34, hours=23))
    db.session.commit()

    reports = tick.run_tick()

    assert reports["auth.prune_sessions"] == "pruned 2 ended session record(s)"
    assert _keys(db) == {live.key, ended_lately.key, revoked_lately.key}
    assert expired_long_ago.key not in _keys(db) and revoked_long_ago.key not in _keys(db)
    assert session_is_live(user.id, live.key)
    assert core_jobs.prune_session_records(utcnow()) is None  # nothing left: nothing to say


def test_a_session_revoked_today_is_kept_and_stays_revoked(app, db, make_user):
    user = make_user()
    record = open_session(user.id)
    revoke_session(record.key)
    db.session.commit()
    assert core_jobs.prune_session_records(utcnow()) is None
    assert record.key in _keys(db) and not session_is_live(user.id, record.key)


def test_session_pruning_runs_with_the_housekeeping_before_mail(app):
    names = tick.jobs()
    assert names.index("auth.prune_sessions") < names.index("mail.deliver")
