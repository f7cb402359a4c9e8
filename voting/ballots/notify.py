"""Notices about ballots: the sending notice, reminders, the live board, and the tick.

Idempotency: each notice to a person is a `BallotReminder(ballot, user, kind)` row with a unique
key, written in the same transaction as the queued e-mail (an outbox row, see cabinet.mail).
The tick may run twice, concurrently, or after a restart: a second run finds the row and sends
nothing; a crash before the commit leaves neither row nor mail, so the next run sends it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.errors import TooManyRequests
from cabinet.mail import deliver_outbox, send_mail
from cabinet.realtime import emit_after_commit, user_room
from cabinet.users.models import User
from voting.ballots.models import (
    Ballot,
    BallotReminder,
    BallotResponse,
    BallotStateError,
    BallotStatus,
    ResponseStatus,
)

log = logging.getLogger(__name__)

#: The secretariat may remind one member about one ballot at most this often.
MANUAL_REMINDER_INTERVAL = timedelta(hours=1)

_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def vn_datetime(moment: datetime | None) -> str:
    """Vietnamese administrative form, local time: "17 giờ 00, thứ Hai, ngày 9 tháng 3 năm 2026"."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(settings().timezone))
    return (
        f"{local.hour} giờ {local.minute:02d}, {_WEEKDAYS[local.weekday()]}, "
        f"ngày {local.day} tháng {local.month} năm {local.year}"
    )


def vn_date(moment: datetime | None) -> str:
    """Vietnamese date, local: "ngày 9 tháng 3 năm 2026"."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(settings().timezone))
    return f"ngày {local.day} tháng {local.month} năm {local.year}"


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


def _payload(ballot: Ballot) -> dict[str, Any]:
    return {
        "ballot_id": ballot.id,
        "title": ballot.title,
        "status": ballot.status.value,
        "deadline": ballot.deadline.isoformat(),
        "deadline_text": vn_datetime(ballot.deadline),
        "url": f"/ballots/{ballot.id}",
    }


def announce_sent(ballot: Ballot, now: datetime) -> None:
    """Live notice to every recipient's open tabs, and the sending e-mail (once per person)."""
    payload = _payload(ballot)
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
    from voting.ballots.services import board_room

    payload = _payload(ballot)
    emit_after_commit("ballot.closed", payload, room=board_room(ballot.id))
    for recipient in ballot.recipients:
        emit_after_commit("ballot.closed", payload, room=user_room(recipient.user_id))


# ---- the board ----------------------------------------------------------------------------------


def _responses(ballot: Ballot) -> dict[int, BallotResponse]:
    rows = db.session.scalars(select(BallotResponse).where(BallotResponse.ballot_id == ballot.id))
    return {r.user_id: r for r in rows}


def _last_reminders(ballot: Ballot) -> dict[int, datetime]:
    rows = db.session.execute(
        select(BallotReminder.user_id, func.max(BallotReminder.sent_at))
        .where(BallotReminder.ballot_id == ballot.id, BallotReminder.kind != "sent")
        .group_by(BallotReminder.user_id)
    )
    return {user_id: at for user_id, at in rows}


def _row(
    ballot: Ballot,
    user: User,
    response: BallotResponse | None,
    reminded: datetime | None,
    now: datetime,
) -> dict[str, Any]:
    submitted = response is not None and response.submitted
    if submitted:
        state = "answered"
    elif now >= ballot.deadline or ballot.status is not BallotStatus.SENT:
        state = "overdue"
    elif response is not None:
        state = "saved"
    else:
        state = "pending"
    choices = {}
    if submitted:
        choices = {str(a.question_id): a.choice.value for a in response.answers if a.choice}
    can_remind = (
        ballot.status is BallotStatus.SENT
        and not submitted
        and (reminded is None or now - reminded >= MANUAL_REMINDER_INTERVAL)
    )
    return {
        "user_id": user.id,
        "name": user.name,
        "title": user.title,
        "state": state,
        "submitted_at": response.submitted_at.isoformat()
        if submitted and response.submitted_at
        else None,
        "revisions": len(response.revisions) if response else 0,
        "choices": choices,
        "last_reminded_at": reminded.isoformat() if reminded else None,
        "can_remind": can_remind,
    }


def board(ballot: Ballot, now: datetime | None = None) -> dict[str, Any]:
    """Who has answered, who has not, who is overdue: the secretariat's live board."""
    now = now or utcnow()
    responses = _responses(ballot)
    reminders = _last_reminders(ballot)
    rows = [
        _row(ballot, r.user, responses.get(r.user_id), reminders.get(r.user_id), now)
        for r in ballot.voters
    ]
    counts = {
        state: sum(1 for r in rows if r["state"] == state)
        for state in ("answered", "saved", "pending", "overdue")
    }
    return {
        "ballot_id": ballot.id,
        "status": ballot.status.value,
        "deadline": ballot.deadline.isoformat(),
        "total": len(rows),
        "counts": counts,
        "rows": rows,
    }


def board_row_payload(ballot: Ballot, user: User, now: datetime) -> dict[str, Any]:
    """The `ballot.answered` event: the member's new row and the new counts."""
    snapshot = board(ballot, now)
    row = next((r for r in snapshot["rows"] if r["user_id"] == user.id), None)
    return {
        "ballot_id": ballot.id,
        "row": row,
        "counts": snapshot["counts"],
        "total": snapshot["total"],
    }


def remind_member(ballot: Ballot, user: User, *, by: User, now: datetime | None = None) -> None:
    """The secretariat's one-click reminder (audited; at most one an hour per member)."""
    now = now or utcnow()
    recipient = ballot.recipient(user)
    if ballot.status is not BallotStatus.SENT or recipient is None or not recipient.votes:
        raise BallotStateError(_l("Chỉ nhắc thành viên chưa trả lời của phiếu đang lấy ý kiến."))
    response = _responses(ballot).get(user.id)
    if response is not None and response.submitted:
        raise BallotStateError(_l("Thành viên này đã gửi ý kiến."))
    last = _last_reminders(ballot).get(user.id)
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
    from voting.ballots.services import board_room

    emit_after_commit(
        "ballot.answered", board_row_payload(ballot, user, now), room=board_room(ballot.id)
    )


# ---- the tick -----------------------------------------------------------------------------------


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


def send_due_reminders(now: datetime) -> int:
    """Queue the automatic reminders that are due to members who have not submitted."""
    queued = 0
    ballots = db.session.scalars(
        select(Ballot).where(Ballot.status == BallotStatus.SENT, Ballot.deadline > now)
    ).all()
    for ballot in ballots:
        kind = due_reminder_kind(ballot, now)
        if kind is None:
            continue
        responses = _responses(ballot)
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


def close_due_ballots(now: datetime) -> int:
    """Close every sent ballot whose deadline has passed."""
    from voting.ballots.services import close_ballot

    ballots = db.session.scalars(
        select(Ballot).where(Ballot.status == BallotStatus.SENT, Ballot.deadline <= now)
    ).all()
    for ballot in ballots:
        close_ballot(ballot, by=None, now=now)
    return len(ballots)


@dataclass(frozen=True)
class TickReport:
    """What one tick did."""

    closed: int
    reminders: int
    mails_sent: int


def run_tick(now: datetime | None = None) -> TickReport:
    """Close due ballots, queue due reminders, commit, then deliver the mail outbox."""
    now = now or utcnow()
    try:
        closed = close_due_ballots(now)
        reminders = send_due_reminders(now)
        db.session.commit()
    except IntegrityError:
        # Another tick committed the same reminder rows first: it sends them, we send nothing.
        db.session.rollback()
        log.info("tick: another runner handled this minute")
        closed = reminders = 0
    mails = deliver_outbox()
    return TickReport(closed=closed, reminders=reminders, mails_sent=mails)


def count_pending_mail() -> int:
    """Mails not yet delivered (for the CLI's report)."""
    from cabinet.mail import OutboxMail

    return db.session.scalar(
        select(func.count(OutboxMail.id)).where(
            OutboxMail.sent_at.is_(None), OutboxMail.failed_at.is_(None)
        )
    )


__all__ = [
    "ResponseStatus",
    "TickReport",
    "announce_closed",
    "announce_sent",
    "board",
    "remind_member",
    "run_tick",
    "vn_datetime",
]
