"""Notices about ballots: the sending notice, reminders (automatic and one-click), the close.

Idempotency: each notice to a person is a `BallotReminder(ballot, user, kind)` row with a unique
key, written in the same transaction as the queued e-mail (an outbox row, see cabinet.mail).
The tick may run twice, concurrently, or after a restart: a second run finds the row and sends
nothing; a crash before the commit leaves neither row nor mail, so the next run sends it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from cabinet.audit import record
from cabinet.config import settings
from cabinet.dates import ui_datetime as vn_datetime
from cabinet.db import db, utcnow
from cabinet.errors import TooManyRequests
from cabinet.mail import send_mail
from cabinet.realtime import emit_after_commit, user_room
from cabinet.users.models import User
from voting.ballots.board import (
    MANUAL_REMINDER_INTERVAL,
    board_room,
    board_update,
    last_reminders,
    responses_by_user,
)
from voting.ballots.models import Ballot, BallotReminder, BallotStateError, BallotStatus
from voting.ballots.schemas import BallotNoticeSchema

_NOTICE = BallotNoticeSchema()


def ballot_url(ballot: Ballot) -> str:
    """The absolute link to the ballot page (e-mails are read outside the app)."""
    return f"{settings().public_url}/ballots/{ballot.id}"


def _mail(ballot: Ballot, user: User, template: str, key: str, **context: Any) -> None:
    with force_locale(user.locale or "vi"):
        context = {
            "ballot": ballot,
            "user": user,
            "url": ballot_url(ballot),
            "deadline_text": vn_datetime(ballot.deadline),
            **context,
        }
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    send_mail([user.email], subject, text, html, key=key)


def _remember(ballot: Ballot, user: User, kind: str, now: datetime, by: User | None = None) -> bool:
    """Add the idempotency row; False when this notice was already sent."""
    exists = db.session.scalar(
        select(BallotReminder.id).where(
            BallotReminder.ballot_id == ballot.id,
            BallotReminder.user_id == user.id,
            BallotReminder.kind == kind,
        )
    )
    if exists is not None:
        return False
    db.session.add(
        BallotReminder(
            ballot_id=ballot.id,
            user_id=user.id,
            kind=kind,
            sent_at=now,
            by_id=getattr(by, "id", None),
        )
    )
    return True


def announce_sent(ballot: Ballot, now: datetime) -> None:
    """Live notice to every recipient's open tabs, and the sending e-mail (once per person)."""
    payload = _NOTICE.dump(ballot)
    for recipient in ballot.recipients:
        user = recipient.user
        emit_after_commit(
            "ballot.sent", {**payload, "votes": recipient.votes}, room=user_room(user.id)
        )
        with force_locale(user.locale or "vi"):
            message = str(_l("Có phiếu lấy ý kiến mới: %(title)s", title=ballot.title))
        # Every page shows this as a toast (ui.js), not only the ballot list.
        emit_after_commit(
            "notification",
            {"message": message, "kind": "info", "url": payload["url"]},
            room=user_room(user.id),
        )
        if _remember(ballot, user, "sent", now):
            _mail(
                ballot,
                user,
                "ballot_sent",
                f"ballot:{ballot.id}:sent:{user.id}",
                votes=recipient.votes,
            )
    db.session.flush()


def announce_closed(ballot: Ballot) -> None:
    """Tell the board and the recipients' open tabs that the ballot closed."""
    payload = _NOTICE.dump(ballot)
    emit_after_commit("ballot.closed", payload, room=board_room(ballot.id))
    for recipient in ballot.recipients:
        emit_after_commit("ballot.closed", payload, room=user_room(recipient.user_id))


def remind_member(ballot: Ballot, user: User, *, by: User, now: datetime | None = None) -> None:
    """The secretariat's one-click reminder (audited; at most one an hour per member)."""
    now = now or utcnow()
    recipient = ballot.recipient(user)
    if ballot.status is not BallotStatus.SENT or recipient is None or not recipient.votes:
        raise BallotStateError(_l("Chỉ nhắc thành viên chưa trả lời của phiếu đang lấy ý kiến."))
    response = responses_by_user(ballot).get(user.id)
    if response is not None and response.submitted:
        raise BallotStateError(_l("Thành viên này đã gửi ý kiến."))
    last = last_reminders(ballot).get(user.id)
    if last is not None and now - last < MANUAL_REMINDER_INTERVAL:
        raise TooManyRequests(
            _l(
                "Thành viên này vừa được nhắc lúc %(time)s; hãy chờ ít nhất một giờ.",
                time=vn_datetime(last),
            )
        )
    count = db.session.scalar(
        select(func.count(BallotReminder.id)).where(
            BallotReminder.ballot_id == ballot.id,
            BallotReminder.user_id == user.id,
            BallotReminder.kind.like("manual:%"),
        )
    )
    kind = f"manual:{count + 1}"
    _remember(ballot, user, kind, now, by)
    _mail(ballot, user, "ballot_reminder", f"ballot:{ballot.id}:{kind}:{user.id}", manual=True)
    db.session.flush()
    record("ballot.remind", ballot, data={"user_id": user.id, "kind": kind}, actor=by)
    emit_after_commit(
        "ballot.answered", board_update(ballot, user, now), room=board_room(ballot.id)
    )


def remind_all(ballot: Ballot, *, by: User, now: datetime | None = None) -> list[User]:
    """Remind every voting member who has not submitted and was not reminded in the last hour;
    the members reminded (each reminder audited and mailed as the one-click one)."""
    now = now or utcnow()
    if ballot.status is not BallotStatus.SENT:
        raise BallotStateError(_l("Chỉ nhắc thành viên chưa trả lời của phiếu đang lấy ý kiến."))
    submitted = {uid for uid, r in responses_by_user(ballot).items() if r.submitted}
    last = last_reminders(ballot)
    reminded = []
    for recipient in ballot.recipients:
        user = recipient.user
        if not recipient.votes or user.id in submitted:
            continue
        if user.id in last and now - last[user.id] < MANUAL_REMINDER_INTERVAL:
            continue
        remind_member(ballot, user, by=by, now=now)
        reminded.append(user)
    return reminded


def due_reminder_kind(ballot: Ballot, now: datetime) -> str | None:
    """The automatic reminder due now: the latest offset whose moment has passed, if any.

    Offsets whose moment fell before the ballot was sent are skipped (the sending notice already
    told the member); after downtime only the most recent missed reminder goes out, not all.
    """
    if ballot.sent_at is None or now >= ballot.deadline:
        return None
    due = [
        offset
        for offset in settings().reminder_offsets
        if ballot.sent_at < ballot.deadline - offset <= now
    ]
    if not due:
        return None
    return f"before:{int(min(due).total_seconds())}"


def queue_due_reminders(now: datetime) -> int:
    """Queue the automatic reminders that are due to members who have not submitted."""
    queued = 0
    ballots = db.session.scalars(
        select(Ballot).where(Ballot.status == BallotStatus.SENT, Ballot.deadline > now)
    ).all()
    for ballot in ballots:
        kind = due_reminder_kind(ballot, now)
        if kind is None:
            continue
        responses = responses_by_user(ballot)
        for recipient in ballot.voters:
            response = responses.get(recipient.user_id)
            if response is not None and response.submitted:
                continue
            if _remember(ballot, recipient.user, kind, now):
                _mail(
                    ballot,
                    recipient.user,
                    "ballot_reminder",
                    f"ballot:{ballot.id}:{kind}:{recipient.user_id}",
                    manual=False,
                )
                queued += 1
        db.session.flush()
    return queued
