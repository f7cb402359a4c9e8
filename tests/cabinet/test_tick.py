"""The scheduler: jobs in order, one commit each, failures contained; the core's own jobs."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cabinet import jobs as core_jobs
from cabinet import tick
from cabinet.auth import throttle
from cabinet.auth.models import LoginFailure
from cabinet.cli import tick_command
from cabinet.config import settings
from cabinet.db import db as database
from cabinet.db import utcnow
from cabinet.mail import OutboxMail, send_mail


@pytest.fixture
def registry(monkeypatch):
    """An empty job registry for the test; the app's own jobs are back afterwards."""
    monkeypatch.setattr(tick, "_jobs", {})
    return tick


@pytest.fixture
def commits():
    """The number of commits made while the test runs."""
    count = [0]

    def counted(session):
        count[0] += 1

    event.listen(Session, "after_commit", counted)
    yield count
    event.remove(Session, "after_commit", counted)


def _failure_keys(db) -> set[str]:
    return set(db.session.scalars(select(LoginFailure.key)))


def _adds(key: str, report: str | None = None):
    """A job that writes one row (so its commit is visible) and reports `report`."""

    def job(now):
        database.session.add(LoginFailure(key=key, at=now))
        database.session.flush()
        return report

    return job


def test_jobs_run_lowest_order_first_then_by_name(registry):
    ran = []
    for name, order in (("mail", 90), ("b.second", 50), ("a.first", 50), ("prune", 10)):
        registry.register_job(name, lambda now, name=name: ran.append(name) or name, order=order)
    assert registry.jobs() == ["prune", "a.first", "b.second", "mail"]
    reports = registry.run_tick()
    assert ran == ["prune", "a.first", "b.second", "mail"]
    assert list(reports) == ran and reports["mail"] == "mail"


def test_registering_a_name_again_replaces_the_job(registry):
    registry.register_job("job", lambda now: "old")
    registry.register_job("job", lambda now: "new", order=5)
    assert registry.run_tick() == {"job": "new"}


def test_every_job_commits_on_its_own_and_a_failure_stops_nothing(registry, db, commits, caplog):
    def breaks(now):
        _adds("b")(now)
        raise RuntimeError("the SMTP server is on fire")

    registry.register_job("a", _adds("a", "wrote a"), order=1)
    registry.register_job("b", breaks, order=2)
    registry.register_job("c", _adds("c"), order=3)
    with caplog.at_level(logging.ERROR, logger="cabinet.tick"):
        reports = registry.run_tick()
    assert reports == {"a": "wrote a", "b": tick.FAILED, "c": ""}
    assert _failure_keys(db) == {"a", "c"}  # b's row was rolled back with b alone
    assert commits[0] == 2
    assert "tick job b failed" in caplog.text and "on fire" in caplog.text


def test_a_unique_clash_means_another_runner_did_the_job(registry, db):
    send_mail(["a@ecabinet.test"], "Nhắc", "x", key="reminder:1:2")
    db.session.commit()

    def queue_again(now):  # a second runner inserting the same keyed row, unaware of the first
        db.session.add(
            OutboxMail(key="reminder:1:2", recipients=["a@ecabinet.test"], subject="s", text="x")
        )
        db.session.flush()

    registry.register_job("ballots.remind", queue_again, order=1)
    registry.register_job("after", _adds("after", "still ran"), order=2)
    assert registry.run_tick() == {"ballots.remind": tick.TAKEN, "after": "still ran"}
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 1
    assert _failure_keys(db) == {"after"}


def test_every_job_sees_the_same_moment(registry):
    seen = []
    registry.register_job("one", lambda now: seen.append(now))
    registry.register_job("two", lambda now: seen.append(now))
    moment = utcnow() - timedelta(days=2)
    registry.run_tick(moment)
    assert seen == [moment, moment]


def test_the_command_prints_the_reports_in_one_line(app, registry, db):
    registry.register_job("ballots.close", lambda now: "closed 1 ballot(s)", order=50)
    registry.register_job("ballots.remind", lambda now: "queued 3 reminder(s)", order=51)
    registry.register_job("quiet", lambda now: None, order=60)
    registry.register_job("mail.deliver", lambda now: "sent 6 e-mail(s), 0 waiting", order=90)
    result = app.test_cli_runner().invoke(tick_command)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "closed 1 ballot(s), queued 3 reminder(s), sent 6 e-mail(s), 0 waiting\n"
    )


def test_the_command_names_the_jobs_that_failed_or_were_taken_and_exits_1(app, registry, db):
    def breaks(now):
        raise RuntimeError("boom")

    def clashes(now):
        raise IntegrityError("INSERT", {}, Exception("unique"))

    registry.register_job("ballots.close", breaks, order=1)
    registry.register_job("ballots.remind", clashes, order=2)
    registry.register_job("mail.deliver", lambda now: "sent 0 e-mail(s), 0 waiting", order=90)
    result = app.test_cli_runner().invoke(tick_command)
    assert result.exit_code == 1
    assert result.output == (
        "ballots.close: failed, ballots.remind: done by another runner, "
        "sent 0 e-mail(s), 0 waiting\n"
    )


def test_the_command_with_nothing_to_say(app, registry, db):
    assert app.test_cli_runner().invoke(tick_command).output == "no jobs registered\n"
    registry.register_job("quiet", lambda now: None)
    assert app.test_cli_runner().invoke(tick_command).output == "nothing to do\n"


def test_the_core_registers_pruning_first_and_mail_delivery_last(app):
    names = tick.jobs()
    assert names[0] == "auth.prune_failures"
    assert names[-1] == "mail.deliver"


def test_the_mail_job_reports_what_was_sent_and_what_waits(app, db):
    send_mail(["a@ecabinet.test"], "Thông báo", "x")
    db.session.commit()
    assert not settings().smtp_host  # nothing can be sent in tests: the mail waits
    assert core_jobs.deliver_mail(utcnow()) == "sent 0 e-mail(s), 1 waiting"


# ---------------------------------------------------------------- pruning sign-in failures


def test_pruning_drops_only_failures_older_than_the_lock_window(app, db):
    config = settings()
    now = utcnow()
    window = timedelta(minutes=config.login_lock_minutes)
    for _ in range(config.login_max_failures):
        throttle.note_failure("recent@ecabinet.test", "10.0.0.1")
    old_moment = now - window - timedelta(minutes=1)
    for key in ("acct:old@ecabinet.test", "ip:10.0.0.2"):
        db.session.add(LoginFailure(key=key, at=old_moment))
    db.session.commit()

    assert core_jobs.prune_login_failures(now) == "pruned 2 sign-in failure(s)"
    assert _failure_keys(db) == {"acct:recent@ecabinet.test", "ip:10.0.0.1"}
    assert throttle.state_for("recent@ecabinet.test", "10.0.0.1", config, now=now).locked
    assert core_jobs.prune_login_failures(now) is None  # nothing left to prune: nothing to say


def test_the_tick_prunes_sign_in_failures(app, db):
    db.session.add(LoginFailure(key="acct:stale@ecabinet.test", at=utcnow() - timedelta(days=2)))
    db.session.commit()
    reports = tick.run_tick()
    assert reports["auth.prune_failures"] == "pruned 1 sign-in failure(s)"
    assert _failure_keys(db) == set()
