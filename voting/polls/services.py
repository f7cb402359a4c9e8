"""Electronic votes in session: open (quorum checked, eligible frozen), cast, close (tally).

A cast is acknowledged only after its commit (the socket handler commits); resending the
same `client_id` finds the stored cast and returns the same receipt. The live tally and the
closing result both call `voting.rules.tally` through `_tally`, with the same inputs.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.errors import Conflict, Forbidden, InvalidState, NotFound
from cabinet.realtime import emit_after_commit, meeting_room, on_commit, user_room
from cabinet.users.models import Role, User
from cabinet.users.services import member_count
from meetings.live import services as live
from meetings.models import AgendaItem, Meeting
from voting.polls.models import (
    OpenCast,
    Poll,
    PollEligible,
    PollKind,
    PollResult,
    PollState,
    SecretBallot,
    SecretVoter,
    VotingClosed,
    random_id,
)
from voting.rules import Choice, Outcome, Rule, tally


class QuorumNotMet(InvalidState):
    """Business that needs a quorum was attempted without one."""

    code = "vote.no_quorum"


class NotEligible(Forbidden):
    """The person may not vote in this poll."""

    code = "vote.not_eligible"


class PollAlreadyOpen(InvalidState):
    """Only one vote at a time in a session."""

    code = "vote.already_open"
    default_message = _l("Đang có một biểu quyết chưa kết thúc trong phiên họp.")


class SecretVoteFinal(Conflict):
    """A secret vote cannot be changed once cast (nothing links the voter to the choice)."""

    code = "vote.already_cast"
    default_message = _l("Bạn đã bỏ phiếu kín; phiếu kín không thể thay đổi.")


@dataclass(frozen=True)
class Receipt:
    """What the voter's tablet receives once the cast is durable."""

    poll_id: int
    client_id: str
    at: datetime
    choice: Choice | None  # None in a secret vote: the server keeps no voter→choice link
    duplicate: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The `receipt` member of the `vote.cast` ack."""
        data = {"poll_id": self.poll_id, "client_id": self.client_id, "at": self.at.isoformat()}
        if self.choice is not None:
            data["choice"] = str(self.choice)
        return data


# -- reading ----------------------------------------------------------------------------------


def get_poll(poll_id: int) -> Poll:
    """The poll or NotFound."""
    poll = db.session.get(Poll, poll_id)
    if poll is None:
        raise NotFound()
    return poll


def open_poll_of(meeting: Meeting) -> Poll | None:
    """The vote currently open in the session, if any."""
    return db.session.scalar(
        select(Poll).where(Poll.meeting_id == meeting.id, Poll.state == PollState.OPEN)
    )


def polls_of(meeting: Meeting) -> list[Poll]:
    """Every vote of the session, in the order opened."""
    return list(
        db.session.scalars(
            select(Poll).where(Poll.meeting_id == meeting.id).order_by(Poll.opened_at, Poll.id)
        )
    )


def current_open_choices(poll: Poll) -> dict[int, OpenCast]:
    """The last cast of each voter in an open vote."""
    latest = (
        select(func.max(OpenCast.id))
        .where(OpenCast.poll_id == poll.id)
        .group_by(OpenCast.voter_id)
        .scalar_subquery()
    )
    rows = db.session.scalars(select(OpenCast).where(OpenCast.id.in_(latest)))
    return {row.voter_id: row for row in rows}


def cast_choices(poll: Poll) -> list[Choice]:
    """The choices that count, without voters."""
    if poll.is_secret:
        return list(
            db.session.scalars(select(SecretBallot.choice).where(SecretBallot.poll_id == poll.id))
        )
    return [Choice(row.choice) for row in current_open_choices(poll).values()]


def voted_count(poll: Poll) -> int:
    """How many entitled members have voted."""
    if poll.is_secret:
        stmt = select(func.count()).where(SecretVoter.poll_id == poll.id)
    else:
        stmt = select(func.count(func.distinct(OpenCast.voter_id))).where(
            OpenCast.poll_id == poll.id
        )
    return db.session.scalar(stmt) or 0


def progress_payload(poll: Poll) -> dict[str, Any]:
    """ "N of M have voted", as every tablet shows it."""
    return {
        "meeting_id": poll.meeting_id,
        "poll_id": poll.id,
        "voted": voted_count(poll),
        "eligible": poll.present,  # the entitled snapshot is the members present at opening
    }


def _tally(poll: Poll, choices: list[Choice] | None = None) -> Outcome:
    """The one place a poll is counted (live tally and closing result alike)."""
    if choices is None:
        choices = cast_choices(poll)
    chair_choice = None
    if not poll.is_secret and poll.chair_id is not None:
        chair_cast = current_open_choices(poll).get(poll.chair_id)
        chair_choice = Choice(chair_cast.choice) if chair_cast else None
    return tally(
        choices,
        Rule.from_dict(poll.rule),
        all_members=poll.all_members,
        present=poll.present,
        eligible=len(poll.eligible),
        chair_choice=chair_choice,
        secret=poll.is_secret,
    )


def live_tally(poll: Poll) -> Outcome:
    """The outcome if the vote closed now (for the chair's console)."""
    return _tally(poll)


def own_cast(poll: Poll, user: User) -> dict[str, Any] | None:
    """The user's own cast, for their tablet (choice in open votes only)."""
    if poll.is_secret:
        row = db.session.get(SecretVoter, (poll.id, user.id))
        if row is None:
            return None
        return Receipt(poll.id, row.client_id, row.voted_at, None).as_dict()
    cast = current_open_choices(poll).get(user.id)
    if cast is None:
        return None
    return Receipt(poll.id, cast.client_id, cast.cast_at, Choice(cast.choice)).as_dict()


def poll_payload(poll: Poll, *, names: bool = True) -> dict[str, Any]:
    """A poll as tablets show it (never who chose what in a secret vote).

    ``names=False`` leaves out the entitled list and the open vote's names: the broadcast to
    every tablet carries the counts only (a few hundred bytes instead of tens of kB); the
    names are one API call away (`GET /api/v1/polls/<id>`) and in the minutes.
    """
    item = poll.item
    return {
        "id": poll.id,
        "meeting_id": poll.meeting_id,
        "item_id": poll.item_id,
        "item_title": item.title if item else None,
        "question": poll.question,
        "kind": str(poll.kind),
        "state": str(poll.state),
        "opened_at": poll.opened_at.isoformat(),
        "closed_at": poll.closed_at.isoformat() if poll.closed_at else None,
        "eligible": poll.present,
        "voted": voted_count(poll),
        "rule": dict(poll.rule),
        "result": _result(poll, names),
    }


def _result(poll: Poll, names: bool) -> dict[str, Any] | None:
    if poll.result is None:
        return None
    result = poll.result.as_dict()
    if not names:
        result.pop("entitled")
        result.pop("choices")
    return result


# -- opening ----------------------------------------------------------------------------------


def _is_member(user: User) -> bool:
    return live.is_member(user)


def open_poll(
    meeting: Meeting, actor: User, *, item: AgendaItem | None, question: str, kind: PollKind
) -> Poll:
    """The chair opens a vote; refused without a quorum. The entitled voters are frozen."""
    if not meeting.can_chair(actor):
        raise Forbidden(_l("Chỉ chủ tọa mở biểu quyết."))
    live.ensure_in_session(meeting)
    if item is not None and item.meeting_id != meeting.id:
        raise NotFound()
    if open_poll_of(meeting) is not None:
        raise PollAlreadyOpen()
    status = live.quorum_status(meeting)
    if not status.met:
        raise QuorumNotMet(
            _l(
                "Chưa đủ số thành viên để biểu quyết: có mặt %(present)s/%(all)s, "
                "cần ít nhất %(required)s (thiếu %(missing)s).",
                present=status.present,
                all=status.all_members,
                required=status.required,
                missing=status.missing,
            ),
            quorum=status.as_dict(),
        )
    present = live.present_member_ids(meeting)
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(present))).all())
    rule = Rule.from_settings(settings())
    poll = Poll(
        meeting_id=meeting.id,
        item_id=item.id if item else None,
        question=question.strip(),
        kind=PollKind(kind),
        state=PollState.OPEN,
        rule=rule.as_dict(),
        all_members=member_count(),
        present=len(present),
        chair_id=meeting.chair_id,
        opened_by_id=actor.id,
        opened_at=utcnow(),
    )
    poll.eligible = [PollEligible(user_id=uid, name=names[uid]) for uid in sorted(present)]
    db.session.add(poll)
    db.session.flush()
    record(
        "vote.opened",
        poll,
        data={"kind": str(poll.kind), "eligible": sorted(present), "rule": poll.rule},
        actor=actor,
    )
    _announce(poll, "vote.opened", {"poll": poll_payload(poll, names=False)})
    return poll


def _rooms(poll: Poll) -> list[str]:
    """Everyone who may read the poll's item: the meeting room, or named people if restricted."""
    if poll.item is not None and poll.item.restricted:
        return [user_room(uid) for uid in sorted(live.readers_of(poll.item))]
    return [meeting_room(poll.meeting_id)]


def _announce(poll: Poll, event: str, payload: dict[str, Any]) -> None:
    """Send a poll event, once committed, to everyone who may read its item."""
    payload = {"meeting_id": poll.meeting_id, **payload}
    for room in _rooms(poll):
        emit_after_commit(event, payload, room=room)


def _announce_now(poll: Poll, event: str, payload: dict[str, Any]) -> None:
    """Send a poll event now (the data is already committed)."""
    from cabinet.extensions import socketio

    for room in _rooms(poll):
        socketio.emit(event, payload, to=room)


# -- casting ----------------------------------------------------------------------------------


def ineligibility(meeting: Meeting, poll: Poll, user: User) -> str | None:
    """Why `user` may not vote in the open `poll`, for the tablet to say so before any tap:
    "deputy", "invitee", "not_member", "late" (arrived after it opened), "absent"; None if they may.
    """
    if poll.can_vote(user):
        return None
    if live.deputy_seat_for(meeting, user) is not None or (
        user.has_role(Role.DEPUTY) and not _is_member(user)
    ):
        return "deputy"
    if not _is_member(user):
        if user.has_role(Role.INVITEE) or (
            (part := meeting.participant(user)) is not None and str(part.role) == "invitee"
        ):
            return "invitee"
        return "not_member"
    row = live.attendance_of(meeting, user.id)
    return "late" if row is not None and row.is_present else "absent"


def _refuse_not_eligible(meeting: Meeting, poll: Poll, user: User) -> None:
    reason = ineligibility(meeting, poll, user)
    if reason == "deputy":
        raise NotEligible(_l("Người dự thay không có quyền biểu quyết."))
    if reason == "invitee":
        raise NotEligible(_l("Khách mời không có quyền biểu quyết."))
    if reason == "not_member":
        raise NotEligible(_l("Chỉ thành viên Chính phủ có quyền biểu quyết."))
    if reason == "late":
        raise NotEligible(
            _l("Bạn không có quyền biểu quyết lần này vì có mặt sau khi mở biểu quyết.")
        )
    opened = poll.opened_at.astimezone(ZoneInfo(settings().timezone))
    raise NotEligible(
        _l(
            "Bạn không có trong danh sách biểu quyết: danh sách được chốt theo các thành viên "
            "có mặt lúc mở biểu quyết (%(time)s).",
            time=opened.strftime("%H:%M:%S"),
        )
    )


def _recheck_open(poll: Poll) -> None:
    """After our write took the lock, make sure the vote was not closed meanwhile."""
    state = db.session.scalar(
        select(Poll.state).where(Poll.id == poll.id).execution_options(populate_existing=True)
    )
    if state != PollState.OPEN:
        raise VotingClosed(poll_id=poll.id)


def _lock_poll(poll: Poll, *, exclusive: bool) -> None:
    """PostgreSQL: casts take a shared row lock, the close an exclusive one; so no cast
    commits after the close has counted. SQLite serialises writers, see `_recheck_open`."""
    if db.is_postgres:
        db.session.execute(
            select(Poll.id).where(Poll.id == poll.id).with_for_update(read=not exclusive)
        )


def cast_vote(poll: Poll, user: User, choice: Choice | str, client_id: str) -> Receipt:
    """Store a member's choice; a resent `client_id` returns the stored receipt."""
    choice = Choice(choice)
    if poll.is_secret:
        existing_secret = db.session.get(SecretVoter, (poll.id, user.id))
        if existing_secret is not None:
            if existing_secret.client_id == client_id:
                return Receipt(poll.id, client_id, existing_secret.voted_at, None, duplicate=True)
            poll.ensure_open()
            raise SecretVoteFinal()
    else:
        existing = _open_cast_by_client(poll, client_id)
        if existing is not None:
            return _duplicate_open(existing, user)
    poll.ensure_open()
    # One row, not the whole snapshot: this runs for every cast.
    if db.session.get(PollEligible, (poll.id, user.id)) is None:
        _refuse_not_eligible(poll.meeting, poll, user)
    _lock_poll(poll, exclusive=False)
    if poll.is_secret:
        return _cast_secret(poll, user, choice, client_id)
    return _cast_open(poll, user, choice, client_id)


def cast_vote_committed(poll_id: int, user: User, choice: Choice | str, client_id: str) -> Receipt:
    """Cast and commit (the socket handler's unit of work), retrying SQLite's busy snapshot.

    On SQLite a transaction that read before another writer committed cannot upgrade to a
    write ("database is locked" at once, the busy timeout does not apply); starting again is
    safe because the cast is idempotent on its client id. PostgreSQL never takes this path.
    """
    for attempt in range(_SQLITE_RETRIES):
        try:
            poll = db.session.get(Poll, poll_id)
            if poll is None:
                raise NotFound()
            receipt = cast_vote(poll, user, choice, client_id)
            db.session.commit()
            return receipt
        except OperationalError as error:
            db.session.rollback()
            if db.is_postgres or "locked" not in str(error) or attempt == _SQLITE_RETRIES - 1:
                raise
            time.sleep(0.005 * (attempt + 1))
    raise AssertionError("unreachable")


_SQLITE_RETRIES = 20


def _open_cast_by_client(poll: Poll, client_id: str) -> OpenCast | None:
    return db.session.scalar(
        select(OpenCast).where(OpenCast.poll_id == poll.id, OpenCast.client_id == client_id)
    )


def _duplicate_open(existing: OpenCast, user: User) -> Receipt:
    if existing.voter_id != user.id:
        raise Conflict(_l("Mã gửi phiếu đã được dùng."))
    return Receipt(existing.poll_id, existing.client_id, existing.cast_at, existing.choice, True)


def _cast_open(poll: Poll, user: User, choice: Choice, client_id: str) -> Receipt:
    cast = OpenCast(
        poll_id=poll.id, voter_id=user.id, choice=choice, client_id=client_id, cast_at=utcnow()
    )
    try:
        with db.session.begin_nested():
            db.session.add(cast)
    except IntegrityError:
        # The same cast arrived twice at once: the other one is stored; answer like it.
        existing = _open_cast_by_client(poll, client_id)
        if existing is None:
            raise
        return _duplicate_open(existing, user)
    _recheck_open(poll)
    record("vote.cast", poll, data={"choice": str(choice), "client_id": client_id}, actor=user)
    _schedule_progress(poll)
    return Receipt(poll.id, client_id, cast.cast_at, choice)


def _cast_secret(poll: Poll, user: User, choice: Choice, client_id: str) -> Receipt:
    voter = SecretVoter(poll_id=poll.id, voter_id=user.id, client_id=client_id, voted_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(voter)
            db.session.flush()
            db.session.add(SecretBallot(id=random_id(), poll_id=poll.id, choice=choice))
    except IntegrityError:
        db.session.expire_all()
        existing = db.session.get(SecretVoter, (poll.id, user.id))
        if existing is None:
            raise
        if existing.client_id == client_id:
            return Receipt(poll.id, client_id, existing.voted_at, None, duplicate=True)
        raise SecretVoteFinal() from None
    _recheck_open(poll)
    # The fact of voting only: never the choice next to the voter.
    record("vote.cast", poll, data={"secret": True}, actor=user)
    _schedule_progress(poll)
    return Receipt(poll.id, client_id, voter.voted_at, None)


def _schedule_progress(poll: Poll) -> None:
    from voting.polls.progress import progress_flusher

    poll_id, meeting_id = poll.id, poll.meeting_id
    on_commit(lambda: progress_flusher.mark(poll_id, meeting_id))


# -- closing ----------------------------------------------------------------------------------


def close_poll(poll: Poll, actor: User) -> PollResult:
    """The chair closes the vote: counted with the rules, stored for good, announced."""
    meeting = poll.meeting
    if not meeting.can_chair(actor):
        raise Forbidden(_l("Chỉ chủ tọa kết thúc biểu quyết."))
    _lock_poll(poll, exclusive=True)
    db.session.refresh(poll)
    poll.ensure_open()
    db.session.info.setdefault("ecabinet.polls_closing", set()).add(poll.id)
    poll.mark_closed(actor)
    # Closing first takes the write lock on SQLite, so every cast counted below is committed
    # and no later cast can commit (it re-checks the state once it holds the lock).
    db.session.flush()
    outcome = _tally(poll)
    order = {uid: i for i, uid in enumerate(live.member_ids())}
    ranked = sorted(poll.eligible, key=lambda e: (order.get(e.user_id, len(order)), e.user_id))
    entitled = [{"user_id": e.user_id, "name": e.name} for e in ranked]
    choices = None
    if not poll.is_secret:
        names = {e.user_id: e.name for e in poll.eligible}
        casts = current_open_choices(poll)
        choices = [
            {"user_id": uid, "name": names[uid], "choice": str(casts[uid].choice)}
            for uid in (e["user_id"] for e in entitled)
            if uid in casts
        ]
    else:
        _reshuffle_secret_ballots(poll)
    result = PollResult(
        poll_id=poll.id,
        approve=outcome.approve,
        disapprove=outcome.disapprove,
        abstain=outcome.abstain,
        not_voted=outcome.not_voted,
        eligible_count=outcome.eligible,
        base=outcome.base,
        required=outcome.required,
        passed=outcome.passed,
        decided_by=outcome.decided_by,
        tie_break=outcome.tie_break,
        rule=outcome.rule.as_dict(),
        all_members=poll.all_members,
        present=poll.present,
        entitled=entitled,
        choices=choices,
        computed_at=utcnow(),
    )
    db.session.add(result)
    db.session.flush()
    db.session.info["ecabinet.polls_closing"].discard(poll.id)
    record(
        "vote.closed",
        poll,
        data={k: v for k, v in result.as_dict().items() if k not in ("entitled", "choices")},
        actor=actor,
    )
    from voting.polls.progress import progress_flusher

    poll_id = poll.id
    on_commit(lambda: progress_flusher.forget(poll_id))
    _announce(poll, "vote.closed", {"poll": poll_payload(poll, names=False)})
    return result


def _reshuffle_secret_ballots(poll: Poll) -> None:
    """Rewrite the ballot box in random order with fresh random ids, in one transaction:
    whatever physical order or transaction ids the casts left behind no longer matches."""
    choices = cast_choices(poll)
    random.SystemRandom().shuffle(choices)
    db.session.execute(delete(SecretBallot).where(SecretBallot.poll_id == poll.id))
    db.session.add_all(SecretBallot(id=random_id(), poll_id=poll.id, choice=c) for c in choices)
    db.session.flush()


def result_of(poll: Poll) -> dict[str, Any] | None:
    """The stored result (None while open)."""
    return poll.result.as_dict() if poll.result else None
