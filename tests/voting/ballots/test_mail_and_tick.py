"""E-mail against a real SMTP server: the sending notice, each reminder once, the tick's
idempotency, and a restart (a new process on the same database) that loses nothing.

The tick is the core's (`cabinet.tick.run_tick`); the ballots add two jobs to it,
`ballots.deadlines` and `ballots.reminders`. See the `tick` fixture for mail delivery.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from cabinet.dates import vn_datetime
from cabinet.db import db, utcnow
from cabinet.mail import OutboxMail, send_mail
from tests import conftest as harness
from voting.ballots import services
from voting.ballots.models import BallotReminder, BallotStatus

ROOT = Path(__file__).resolve().parents[3]
NONE_QUEUED = "queued 0 reminder(s)"


def _answer_all(ballot, member) -> None:
    services.save_response(
        ballot, member, [services.AnswerInput(q.id, "agree") for q in ballot.questions], submit=True
    )


def test_the_sending_notice_reaches_each_recipient_once_with_link_and_deadline(
    db, smtp_server, make_ballot, tick
):
    cabinet, ballot = make_ballot(n=3)
    assert smtp_server.messages == []  # nothing leaves before the tick delivers the outbox
    tick()
    assert len(smtp_server.messages) == 3
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == sorted(
        m.email for m in cabinet.members
    )
    for member in cabinet.members:
        (mail,) = smtp_server.to(member.email)
        assert mail.envelope_to == [member.email]
        assert mail.subject == f"Xin ý kiến: {ballot.title}"
        link = f"http://ecabinet.test/ballots/{ballot.id}"
        assert link in mail.text and f'href="{link}"' in mail.html
        assert vn_datetime(ballot.deadline) in mail.text
        assert "giờ" in mail.text and "tháng" in mail.text
        assert member.name in mail.text
    tick()
    assert len(smtp_server.messages) == 3


def test_each_reminder_goes_once_to_those_who_have_not_submitted(
    db, smtp_server, make_ballot, tick
):
    cabinet, ballot = make_ballot(n=4)
    tick()
    smtp_server.clear()
    answered, *silent = cabinet.members
    _answer_all(ballot, answered)
    db.session.commit()

    two_days_before = ballot.deadline - timedelta(days=2) + timedelta(minutes=1)
    assert tick(now=two_days_before - timedelta(minutes=5))["ballots.reminders"] == NONE_QUEUED
    assert tick(now=two_days_before)["ballots.reminders"] == "queued 3 reminder(s)"
    assert tick(now=two_days_before + timedelta(minutes=1))["ballots.reminders"] == NONE_QUEUED
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == sorted(m.email for m in silent)
    assert all(m.subject == f"Nhắc trả lời: {ballot.title}" for m in smtp_server.messages)
    assert all(f"http://ecabinet.test/ballots/{ballot.id}" in m.text for m in smtp_server.messages)
    assert smtp_server.to(answered.email) == []

    smtp_server.clear()
    four_hours_before = ballot.deadline - timedelta(hours=4) + timedelta(minutes=1)
    assert tick(now=four_hours_before)["ballots.reminders"] == "queued 3 reminder(s)"
    assert tick(now=four_hours_before)["ballots.reminders"] == NONE_QUEUED
    assert len(smtp_server.messages) == 3

    smtp_server.clear()
    report = tick(now=ballot.deadline + timedelta(minutes=1))
    assert report["ballots.deadlines"] == "closed 1 ballot(s)"
    assert report["ballots.reminders"] == NONE_QUEUED
    assert ballot.status is BallotStatus.CLOSED
    assert smtp_server.messages == []


def test_after_downtime_only_the_latest_missed_reminder_goes(db, smtp_server, make_ballot, tick):
    cabinet, ballot = make_ballot(n=2)
    tick()
    smtp_server.clear()
    # The server was down for both reminder moments: one reminder, not two in the same minute.
    tick(now=ballot.deadline - timedelta(hours=1))
    assert len(smtp_server.messages) == 2
    kinds = db.session.scalars(
        select(BallotReminder.kind).where(BallotReminder.kind != "sent")
    ).all()
    assert set(kinds) == {"before:14400"}


def test_manual_reminder_is_audited_and_rate_limited(
    db, smtp_server, make_ballot, login, client, tick
):
    cabinet, ballot = make_ballot(n=3)
    member = cabinet.members[1]
    login(cabinet.secretariat)
    first = client.post(f"/api/v1/ballots/{ballot.id}/reminders", json={"user_id": member.id})
    assert first.status_code == 202
    row = next(r for r in first.json["rows"] if r["user_id"] == member.id)
    assert row["last_reminded_at"] and row["can_remind"] is False
    again = client.post(f"/api/v1/ballots/{ballot.id}/reminders", json={"user_id": member.id})
    assert again.status_code == 429 and "một giờ" in again.json["detail"]
    tick()
    assert [m.subject for m in smtp_server.to(member.email)].count(
        f"Nhắc trả lời: {ballot.title}"
    ) == 1
    from cabinet.audit.models import AuditEntry

    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "ballot.remind")
    ).all()
    assert actions == ["ballot.remind"]


def test_mail_of_a_rolled_back_transaction_is_never_sent(db, smtp_server, app, tick):
    send_mail(["a@ecabinet.test"], "Thử", "Nội dung")
    db.session.rollback()
    tick()
    assert smtp_server.messages == []
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 0


def test_an_unreachable_smtp_server_keeps_the_mail_for_later(
    db, smtp_server, make_ballot, set_settings, tick
):
    cabinet, ballot = make_ballot(n=2)
    real_port = smtp_server.port
    set_settings(smtp_port=1)  # nothing listens there
    tick()
    assert smtp_server.messages == []
    pending = db.session.scalars(select(OutboxMail).where(OutboxMail.sent_at.is_(None))).all()
    assert len(pending) == 2 and all(m.last_error for m in pending)
    set_settings(smtp_port=real_port)
    for mail in pending:
        mail.claimed_until = None  # skip the back-off wait
    db.session.commit()
    tick()
    assert len(smtp_server.messages) == 2


#: What `flask --app app cabinet tick` does, in a fresh process: run the jobs, print their
#: reports, deliver the mail (see the `tick` fixture on mail delivery).
TICK_ONCE = """
from app import app
from cabinet.mail import deliver_outbox
from cabinet.tick import run_tick

with app.app_context():
    print(", ".join(run_tick().values()))
    deliver_outbox()
"""


def _tick_in_a_new_process(app_tmp: Path, smtp_server) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        **harness.test_environ(app_tmp),
        "ECABINET_SMTP_HOST": smtp_server.host,
        "ECABINET_SMTP_PORT": str(smtp_server.port),
    }
    return subprocess.run(
        [sys.executable, "-c", TICK_ONCE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _waiting_mail() -> int:
    return db.session.scalar(
        select(func.count(OutboxMail.id)).where(
            OutboxMail.sent_at.is_(None), OutboxMail.failed_at.is_(None)
        )
    )


def test_a_restart_loses_nothing_and_sends_nothing_twice(
    committed_db, app_tmp, smtp_server, make_cabinet, tick
):
    cabinet = make_cabinet(n=3, deputies=0)
    now = utcnow()
    ballot = services.create_ballot(
        title="Phiếu kiểm tra khởi động lại",
        background="",
        questions=["Đồng ý?"],
        by=cabinet.secretariat,
        deadline=now + timedelta(days=1),
    )
    services.submit_for_approval(ballot, by=cabinet.secretariat, now=now - timedelta(days=3))
    services.approve_ballot(ballot, by=cabinet.chair, now=now - timedelta(days=3))
    db.session.commit()
    # The process that queued the sending notices "crashed" before delivering them.
    assert smtp_server.messages == []

    first = _tick_in_a_new_process(app_tmp, smtp_server)
    assert first.returncode == 0, first.stderr
    assert "closed 0 ballot(s)" in first.stdout and "queued 3 reminder(s)" in first.stdout
    for member in cabinet.members:
        subjects = sorted(m.subject for m in smtp_server.to(member.email))
        assert subjects == [f"Nhắc trả lời: {ballot.title}", f"Xin ý kiến: {ballot.title}"]
    db.session.remove()
    assert _waiting_mail() == 0

    second = _tick_in_a_new_process(app_tmp, smtp_server)
    assert second.returncode == 0, second.stderr
    assert "queued 0 reminder(s)" in second.stdout
    db.session.remove()
    tick()
    assert len(smtp_server.messages) == 6
    assert _waiting_mail() == 0
    assert db.session.scalar(select(func.count(BallotReminder.id))) == 6
