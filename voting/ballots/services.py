"""Ballot business functions: prepare, approve and send, close, conclude (answering is in
`answers.py`, notices in `notices.py`).

Every function changes objects, flushes and records the audit event; the caller (view, API,
socket handler, tick) commits once. Notices (socket emits and e-mails) are queued to go out
only after that commit. Access was checked by the caller (`access.load_ballot(need=...)`);
these functions enforce the ballot's state rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.storage import ContentStore, check_and_store
from cabinet.users.models import User
from cabinet.users.services import all_members
from voting.ballots.answers import AnswerInput, all_answered, response_for, save_response
from voting.ballots.comments import sanitize_comment
from voting.ballots.models import (
    Ballot,
    BallotApprover,
    BallotConclusion,
    BallotPaper,
    BallotQuestion,
    BallotRecipient,
    BallotStateError,
    BallotStatus,
    ConclusionOutcome,
)
from voting.ballots.notices import announce_closed, announce_sent
from voting.ballots.summary import question_results, store_summary
from voting.workdays import add_working_days

__all__ = [  # the answering functions are re-exported: other packages import them from here
    "AnswerInput",
    "all_answered",
    "approve_ballot",
    "attach_paper",
    "close_ballot",
    "conclude_ballot",
    "create_ballot",
    "default_deadline",
    "grant_approver",
    "remove_paper",
    "response_for",
    "return_to_draft",
    "revoke_approver",
    "save_response",
    "set_proposal",
    "submit_for_approval",
]


def default_deadline(now: datetime | None = None) -> datetime:
    """The configured number of working days from `now` (weekends and holidays skipped)."""
    config = settings()
    return add_working_days(
        now or utcnow(), config.ballot_deadline_days, holidays=config.holidays, tz=config.timezone
    )


# ---- preparing ----------------------------------------------------------------------------------


def _set_questions(ballot: Ballot, texts: Sequence[str]) -> None:
    texts = [t.strip() for t in texts if t and t.strip()]
    existing = list(ballot.questions)
    for position, text in enumerate(texts):
        if position < len(existing):
            existing[position].text = text
            existing[position].position = position
        else:
            ballot.questions.append(BallotQuestion(text=text, position=position))
    for extra in existing[len(texts) :]:
        ballot.questions.remove(extra)


def _set_recipients(
    ballot: Ballot, voter_ids: Iterable[int] | None, info_ids: Iterable[int]
) -> None:
    members = all_members()
    if voter_ids is None:
        voters = members
    else:
        wanted = set(voter_ids)
        voters = [m for m in members if m.id in wanted]
    seat = {m.id: i for i, m in enumerate(members)}
    wanted_rows: dict[int, tuple[bool, int]] = {}
    for user in voters:
        wanted_rows[user.id] = (True, seat[user.id])
    for position, user_id in enumerate(info_ids):
        if user_id not in wanted_rows and db.session.get(User, user_id) is not None:
            wanted_rows[user_id] = (False, 1000 + position)
    for row in list(ballot.recipients):
        if row.user_id not in wanted_rows:
            ballot.recipients.remove(row)
    current = {r.user_id: r for r in ballot.recipients}
    for user_id, (votes, position) in wanted_rows.items():
        row = current.get(user_id)
        if row is None:
            ballot.recipients.append(
                BallotRecipient(user_id=user_id, votes=votes, position=position)
            )
        else:
            row.votes, row.position = votes, position


def create_ballot(
    *,
    title: str,
    background: str,
    questions: Sequence[str],
    by: User,
    deadline: datetime | None = None,
    voter_ids: Iterable[int] | None = None,
    info_ids: Iterable[int] = (),
    now: datetime | None = None,
) -> Ballot:
    """A new draft ballot; all cabinet members vote unless `voter_ids` narrows it."""
    now = now or utcnow()
    ballot = Ballot(
        title=title.strip(),
        background=sanitize_comment(background),
        deadline=deadline or default_deadline(now),
        created_by=by,
    )
    db.session.add(ballot)
    _set_questions(ballot, questions)
    _set_recipients(ballot, voter_ids, info_ids)
    db.session.flush()
    record("ballot.create", ballot, data={"questions": len(ballot.questions)}, actor=by)
    return ballot


def update_ballot(
    ballot: Ballot,
    *,
    title: str,
    background: str,
    questions: Sequence[str],
    deadline: datetime,
    by: User,
    voter_ids: Iterable[int] | None = None,
    info_ids: Iterable[int] = (),
) -> Ballot:
    """Change a draft ballot."""
    ballot.ensure_editable()
    ballot.title = title.strip()
    ballot.background = sanitize_comment(background)
    ballot.deadline = deadline
    _set_questions(ballot, questions)
    _set_recipients(ballot, voter_ids, info_ids)
    db.session.flush()
    record("ballot.update", ballot, actor=by)
    return ballot


def attach_paper(
    ballot: Ballot, stream: BinaryIO, filename: str, *, title: str, classification: str, by: User
) -> BallotPaper:
    """Check and store an uploaded paper (same checks as meeting papers) and attach it."""
    ballot.ensure_editable()
    config = settings()
    stored = check_and_store(
        stream, filename, store=ContentStore(config.storage_dir), max_bytes=config.upload_max_bytes
    )
    paper = BallotPaper(
        title=title.strip() or stored.display_name,
        filename=stored.display_name,
        sha256=stored.sha256,
        mime=stored.media_type,
        size=stored.size,
        classification=classification,
        uploaded_by_id=by.id,
    )
    ballot.papers.append(paper)
    db.session.flush()
    record(
        "ballot.paper_add", ballot, data={"paper_id": paper.id, "sha256": stored.sha256}, actor=by
    )
    return paper


def remove_paper(ballot: Ballot, paper: BallotPaper, *, by: User) -> None:
    """Detach a paper from a draft ballot (the stored file stays: it is content-addressed)."""
    ballot.ensure_editable()
    ballot.papers.remove(paper)
    db.session.flush()
    record("ballot.paper_remove", ballot, data={"paper_id": paper.id}, actor=by)


def submit_for_approval(ballot: Ballot, *, by: User, now: datetime | None = None) -> None:
    """Hand the draft to the chair for approval."""
    ballot.submit_for_approval(now or utcnow())
    db.session.flush()
    record("ballot.submit", ballot, actor=by)


def return_to_draft(ballot: Ballot, note: str, *, by: User) -> None:
    """The approver sends the ballot back to the secretariat with a note."""
    ballot.return_to_draft(note.strip())
    db.session.flush()
    record("ballot.return", ballot, data={"note": note.strip()}, actor=by)


def approve_ballot(ballot: Ballot, *, by: User, now: datetime | None = None) -> None:
    """Approve and send: every recipient gets a live notice and an e-mail after the commit."""
    now = now or utcnow()
    ballot.approve(by, now)
    db.session.flush()
    record("ballot.approve", ballot, actor=by)
    announce_sent(ballot, now)


def grant_approver(user: User, *, by: User | None) -> BallotApprover:
    """Give a deputy prime minister the right to approve sending ballots."""
    row = db.session.scalar(select(BallotApprover).where(BallotApprover.user_id == user.id))
    if row is None:
        row = BallotApprover(user_id=user.id, granted_by_id=getattr(by, "id", None))
        db.session.add(row)
        db.session.flush()
        record("ballot.approver_grant", user, actor=by)
    return row


def revoke_approver(user: User, *, by: User | None) -> None:
    """Take the right to approve ballots away."""
    row = db.session.scalar(select(BallotApprover).where(BallotApprover.user_id == user.id))
    if row is not None:
        db.session.delete(row)
        db.session.flush()
        record("ballot.approver_revoke", user, actor=by)


# ---- closing and concluding ---------------------------------------------------------------------


def close_ballot(ballot: Ballot, *, by: User | None, now: datetime | None = None) -> None:
    """Close: at the deadline (by=None, from the tick), or earlier once everyone has answered."""
    now = now or utcnow()
    if by is not None and now < ballot.deadline and not all_answered(ballot):
        raise BallotStateError(
            _l(
                "Chỉ kết thúc sớm khi tất cả thành viên đã gửi ý kiến; nếu không, phiếu tự kết thúc khi hết hạn."
            )
        )
    ballot.close(now, by)
    db.session.flush()
    record("ballot.close", ballot, data={"early": now < ballot.deadline}, actor=by)
    announce_closed(ballot)


def set_proposal(ballot: Ballot, text: str, *, by: User, now: datetime | None = None) -> None:
    """The secretariat's proposal to the chair, shown in the summary of opinions."""
    ballot._require(BallotStatus.CLOSED, action=_l("ghi đề xuất"))
    ballot.proposal = sanitize_comment(text)
    ballot.proposal_by_id = by.id
    ballot.proposal_at = now or utcnow()
    db.session.flush()
    record("ballot.propose", ballot, actor=by)


def conclude_ballot(
    ballot: Ballot,
    *,
    text: str,
    outcome: ConclusionOutcome,
    by: User,
    now: datetime | None = None,
) -> BallotConclusion:
    """The chair's conclusion: closed → concluded, with the tally kept alongside."""
    outcome = ConclusionOutcome(outcome)
    ballot.conclude()
    conclusion = BallotConclusion(
        text=sanitize_comment(text),
        outcome=outcome,
        tally=[
            {
                "question_id": r["question"].id,
                "outcome": r["outcome"].as_dict(),
                "counts": r["counts"],
            }
            for r in question_results(ballot)
        ],
        decided_by_id=by.id,
        decided_at=now or utcnow(),
    )
    ballot.conclusion = conclusion
    db.session.flush()
    sha = store_summary(ballot)
    db.session.flush()
    record("ballot.conclude", ballot, data={"outcome": outcome.value, "summary": sha}, actor=by)
    return conclusion
