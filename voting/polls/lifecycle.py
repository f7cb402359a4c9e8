"""A vote's life: opened by the chair (quorum checked, entitled voters frozen), closed (counted
with the rules, stored for good) and announced to everyone who may read its item.

The caller has checked that the person chairs the session (`access.load_vote_subject`,
`access.load_poll(need="chair")`); these functions enforce the vote's state rules only.
"""

from __future__ import annotations

import logging
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.errors import InvalidState, NotFound
from cabinet.realtime import on_commit
from cabinet.users.models import User
from cabinet.users.services import member_count
from meetings.live import services as live
from meetings.models import AgendaItem, Meeting
from meetings.motions.models import Motion
from voting.polls.access import remember_eligible
from voting.polls.announce import announce, poll_payload
from voting.polls.counting import open_poll_of, roll_call, tally_poll
from voting.polls.crypto import new_poll_keys, open_ballots, sign_ballots
from voting.polls.models import (
    Poll,
    PollEligible,
    PollKind,
    PollResult,
    PollState,
    SecretBallot,
    SecretCiphertext,
    random_id,
)
from voting.polls.progress import progress_flusher
from voting.polls.schemas import PollResultSchema
from voting.rules import Rule

log = logging.getLogger(__name__)

#: What the audit log keeps of a result: the counts and the rule, never the names.
_AUDITED_RESULT = PollResultSchema(exclude=("entitled", "choices", "ballots"))


class QuorumNotMet(InvalidState):
    """Business that needs a quorum was attempted without one."""

    code = "vote.no_quorum"


class PollAlreadyOpen(InvalidState):
    """Only one vote at a time in a session."""

    code = "vote.already_open"
    default_message = _l("Đang có một biểu quyết chưa kết thúc trong phiên họp.")


def open_poll(
    meeting: Meeting,
    actor: User,
    *,
    item: AgendaItem | None,
    question: str,
    kind: PollKind,
    motion: Motion | None = None,
) -> Poll:
    """The chair opens a vote (on a prepared motion of the item, if given); refused without a
    quorum, and while the session is suspended. The entitled voters are frozen."""
    live.ensure_running(meeting)
    if item is not None and item.meeting_id != meeting.id:
        raise NotFound()
    if motion is not None and (item is None or motion.item_id != item.id):
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
        motion_id=motion.id if motion else None,
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
    try:  # the database's one-open-vote index decides a race the check above lost
        with db.session.begin_nested():
            db.session.add(poll)
            db.session.flush()
    except IntegrityError:
        raise PollAlreadyOpen() from None
    if poll.is_secret:
        poll.public_key, poll.sealed_key = new_poll_keys(poll.id)
    remember_eligible(poll, present)
    record(
        "vote.opened",
        poll,
        data={
            "kind": str(poll.kind),
            "eligible": sorted(present),
            "rule": poll.rule,
            "motion_id": poll.motion_id,
        },
        actor=actor,
    )
    announce(poll, "vote.opened", {"poll": poll_payload(poll, names=False)})
    return poll


def close_poll(poll: Poll, actor: User) -> PollResult:
    """Close the vote: counted with the rules, stored for good, announced."""
    poll.ensure_open()
    db.session.info.setdefault("ecabinet.polls_closing", set()).add(poll.id)
    # Closed first, holding the row's lock (SQLite: the write lock): every cast counted below
    # is committed, and no later cast can commit (it re-checks the state under its lock).
    poll.close(actor)
    published = _publish_secret_ballots(poll) if poll.is_secret else None
    voters = roll_call(poll)  # counted, named and ranked from one statement's rows
    outcome = tally_poll(poll, voters)
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
        entitled=[{"user_id": user_id, "name": name} for user_id, name, _ in voters],
        choices=None
        if poll.is_secret
        else [
            {"user_id": user_id, "name": name, "choice": choice.value}
            for user_id, name, choice in voters
            if choice is not None
        ],
        computed_at=utcnow(),
    )
    if published is not None:
        result.signature, result.verify_key = sign_ballots(poll.id, published)
    db.session.add(result)
    db.session.flush()
    # The vote's own `result` (read as None by anything that showed it open) is this one now.
    set_committed_value(poll, "result", result)
    db.session.info["ecabinet.polls_closing"].discard(poll.id)
    record("vote.closed", poll, data=_AUDITED_RESULT.dump(result), actor=actor)
    poll_id = poll.id
    on_commit(lambda: progress_flusher.forget(poll_id))
    announce(poll, "vote.closed", {"poll": poll_payload(poll, names=False)})
    return result


def _publish_secret_ballots(poll: Poll) -> list[tuple[str, str]]:
    """Open the sealed ballots, shuffle them (a cryptographically random permutation), write
    the anonymous (token, choice) list in that order, delete the sealed ballots and erase the
    wrapped private key: all in the close's one transaction."""
    sealed = list(
        db.session.scalars(
            select(SecretCiphertext.ciphertext).where(SecretCiphertext.poll_id == poll.id)
        )
    )
    opened, invalid = open_ballots(poll.id, poll.sealed_key or "", sealed) if sealed else ([], 0)
    if invalid:
        log.warning("secret vote %s: %s unreadable ballot(s) not counted", poll.id, invalid)
    secrets.SystemRandom().shuffle(opened)
    db.session.execute(delete(SecretCiphertext).where(SecretCiphertext.poll_id == poll.id))
    db.session.add_all(
        SecretBallot(id=random_id(), poll_id=poll.id, token=token, choice=choice)
        for token, choice in opened
    )
    poll.sealed_key = None
    db.session.flush()
    return [(token, str(choice)) for token, choice in opened]
