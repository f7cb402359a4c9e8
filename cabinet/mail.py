"""Outgoing e-mail through a transactional outbox, delivered over SMTP by the tick.

`send_mail` never talks to the SMTP server: it adds an `OutboxMail` row to the current
transaction. The row exists only if the caller commits (a rolled-back request sends nothing),
and it survives a crash or restart until it is delivered. `deliver_outbox` (the core's
`mail.deliver` tick job: `flask cabinet tick`, and the server's in-process tick that is woken
right after a commit that queued mail) claims each row, sends it, and marks it sent. An optional idempotency `key`
makes queuing the same notice twice a no-op, so a retried job can never mail a person twice.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy import JSON, String, Text, event, func, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from cabinet.config import settings
from cabinet.db import Base, db, utcnow

log = logging.getLogger(__name__)

#: A claimed row is retried by another runner if its claimer died before marking it.
CLAIM_SECONDS = 300
MAX_ATTEMPTS = 8
#: Undelivered mail older than this is given up (a reminder a week late is worse than none).
MAX_AGE = timedelta(days=3)

#: Set after a commit that queued mail; the in-process tick waits on it to deliver at once.
outbox_ready = threading.Event()


class OutboxMail(Base):
    """One e-mail waiting to be sent (or already sent, kept as the record of what went out)."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


def send_mail(
    to: list[str], subject: str, text: str, html: str | None = None, *, key: str | None = None
) -> OutboxMail | None:
    """Queue an e-mail to go out after the current transaction commits; None if `key` was used."""
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    if not recipients:
        return None
    session = db.session()
    if key is not None:
        existing = session.scalar(select(OutboxMail).where(OutboxMail.key == key))
        pending = [
            o for o in session.new if isinstance(o, OutboxMail) and o.key == key
        ]  # not flushed yet
        if existing is not None or pending:
            return None
    mail = OutboxMail(key=key, recipients=recipients, subject=subject, text=text, html=html)
    session.add(mail)
    session.flush()
    session.info["ecabinet.mail_queued"] = True
    return mail


@event.listens_for(Session, "after_commit")
def _wake_deliverer(session: Session) -> None:
    if session.info.pop("ecabinet.mail_queued", False):
        outbox_ready.set()


@event.listens_for(Session, "after_rollback")
def _forget_queued(session: Session) -> None:
    session.info.pop("ecabinet.mail_queued", None)


def deliver_outbox(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send pending mail (claim, send, mark, one commit each); return how many were sent.

    A runner, not a service: it commits, so call it outside a request's unit of work.
    """
    config = settings()
    if not config.smtp_host:
        return 0
    now = now or utcnow()
    session = db.session
    candidates = session.scalars(
        select(OutboxMail.id)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.failed_at.is_(None))
        .where(or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now))
        .order_by(OutboxMail.id)
        .limit(limit)
    ).all()
    sent = 0
    connection: smtplib.SMTP | None = None
    try:
        for mail_id in candidates:
            if not _claim(mail_id, now):
                continue  # another runner took it between our select and our claim
            mail = session.get(OutboxMail, mail_id)
            if mail.created_at < now - MAX_AGE:
                mail.failed_at = now
                mail.last_error = "expired before it could be delivered"
                session.commit()
                continue
            try:
                if connection is None:
                    connection = _connect(config)
                connection.send_message(_message(mail, config.mail_from))
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("mail %s not delivered: %s", mail.id, exc)
                mail.last_error = str(exc)[:2000]
                # Back off: the claim lapses later with every failed attempt.
                mail.claimed_until = now + timedelta(minutes=2**mail.attempts)
                if mail.attempts >= MAX_ATTEMPTS:
                    mail.failed_at = now
                session.commit()
                if connection is not None:
                    _quit(connection)
                    connection = None
                continue
            mail.sent_at = utcnow()
            mail.claimed_until = None
            session.commit()
            sent += 1
    finally:
        if connection is not None:
            _quit(connection)
    return sent


def count_waiting() -> int:
    """Mails neither delivered nor given up yet."""
    return (
        db.session.scalar(
            select(func.count(OutboxMail.id)).where(
                OutboxMail.sent_at.is_(None), OutboxMail.failed_at.is_(None)
            )
        )
        or 0
    )


def _claim(mail_id: int, now: datetime) -> bool:
    """Take the row for CLAIM_SECONDS in its own commit; False if someone else holds it."""
    result = db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.sent_at.is_(None))
        .where(or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now))
        .values(
            claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
            attempts=OutboxMail.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        return False
    mail = db.session.get(OutboxMail, mail_id)
    db.session.refresh(mail)
    return True


def _connect(config: Any) -> smtplib.SMTP:
    connection = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=30)
    if config.smtp_starttls:
        connection.starttls()
    if config.smtp_user:
        connection.login(config.smtp_user, config.smtp_password or "")
    return connection


def _quit(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


def _message(mail: OutboxMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(mail.recipients)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> "))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    return message
