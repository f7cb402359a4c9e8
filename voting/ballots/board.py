"""The secretariat's board of a ballot: who has answered, who has not, who is overdue.

The same payload (`BoardSchema`) answers the API, the `ballot.join` socket event and the page;
each answer or reminder updates the followers of `ballot:<id>` with the member's new row.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from cabinet.db import db, utcnow
from cabinet.users.models import User
from voting.ballots.models import Ballot, BallotReminder, BallotResponse, BallotStatus
from voting.ballots.schemas import BoardSchema, BoardUpdateSchema

#: The secretariat may remind one member about one ballot at most this often.
MANUAL_REMINDER_INTERVAL = timedelta(hours=1)

_BOARD = BoardSchema()
_UPDATE = BoardUpdateSchema()


def board_room(ballot_id: int) -> str:
    """The room of the secretariat following one ballot's answers."""
    return f"ballot:{ballot_id}"


def responses_by_user(ballot: Ballot) -> dict[int, BallotResponse]:
    """Every reply to the ballot (drafts too), by user id."""
    rows = db.session.scalars(select(BallotResponse).where(BallotResponse.ballot_id == ballot.id))
    return {r.user_id: r for r in rows}


def last_reminders(ballot: Ballot) -> dict[int, datetime]:
    """When each member was last reminded (the sending notice is not a reminder)."""
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
        "title": user.office,  # title and ministry
        "state": state,
        "submitted_at": response.submitted_at if submitted else None,
        "revisions": len(response.revisions) if response else 0,
        "choices": choices,
        "last_reminded_at": reminded,
        "can_remind": can_remind,
    }


def _board(ballot: Ballot, now: datetime) -> dict[str, Any]:
    responses = responses_by_user(ballot)
    reminders = last_reminders(ballot)
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
        "deadline": ballot.deadline,
        "total": len(rows),
        "counts": counts,
        "rows": rows,
    }


def board(ballot: Ballot, now: datetime | None = None) -> dict[str, Any]:
    """Who has answered, who has not, who is overdue: the secretariat's live board."""
    return _BOARD.dump(_board(ballot, now or utcnow()))


def board_update(ballot: Ballot, user: User, now: datetime) -> dict[str, Any]:
    """The `ballot.answered` event: the member's new row and the new counts."""
    snapshot = _board(ballot, now)
    row = next((r for r in snapshot["rows"] if r["user_id"] == user.id), None)
    return _UPDATE.dump({**snapshot, "row": row})
