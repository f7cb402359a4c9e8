"""Ballot business functions: prepare, approve and send, answer, close, conclude.

Every function changes objects, flushes and records the audit event; the caller (view, API,
socket handler, tick) commits once. Notices (socket emits and e-mails) are queued to go out
only after that commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

import nh3
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.errors import Forbidden, ValidationFailed
from cabinet.realtime import emit_after_commit
from cabinet.storage import ContentStore, check_and_store
from cabinet.users.models import User
from cabinet.users.services import all_members
from voting.ballots import notify
from voting.ballots.models import (
    AnswerChoice,
    Ballot,
    BallotAnswer,
    BallotApprover,
    BallotClosed,
    BallotConclusion,
    BallotPaper,
    BallotQuestion,
    BallotRecipient,
    BallotResponse,
    BallotResponseRevision,
    BallotStateError,
    BallotStatus,
    ConclusionOutcome,
    NotARecipient,
    ResponseStatus,
)
from voting.workdays import add_working_days

#: The limited formatting a comment may carry: no links, no images, no attributes at all.
COMMENT_TAGS = frozenset({"p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "blockquote"})
COMMENT_MAX_CHARS = 20_000


def board_room(ballot_id: int) -> str:
    """The room of the secretariat following one ballot's answers."""
    return f"ballot:{ballot_id}"


def default_deadline(now: datetime | None = None) -> datetime:
    """The configured number of working days from `now` (weekends and holidays skipped)."""
    config = settings()
    return add_working_days(
        now or utcnow(), config.ballot_deadline_days, holidays=config.holidays, tz=config.timezone
    )


def sanitize_comment(html: str | None) -> str:
    """A comment reduced to safe limited formatting (no script, no images, no attributes)."""
    cleaned = nh3.clean(
        (html or "")[:COMMENT_MAX_CHARS],
        tags=set(COMMENT_TAGS),
        attributes={},
        clean_content_tags={"script", "style"},
        link_rel=None,
        strip_comments=True,
    )
    return cleaned.strip()


def comment_text(html: str | None) -> str:
    """The visible text of a comment (to test whether anything was written)."""
    return nh3.clean(html or "", tags=set(), clean_content_tags={"script", "style"}).strip()


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
    if not ballot.can_approve(by):
        raise Forbidden(_l("Chỉ Thủ tướng hoặc Phó Thủ tướng được giao mới duyệt gửi phiếu."))
    ballot.return_to_draft(note.strip())
    db.session.flush()
    record("ballot.return", ballot, data={"note": note.strip()}, actor=by)


def approve_ballot(ballot: Ballot, *, by: User, now: datetime | None = None) -> None:
    """Approve and send: every recipient gets a live notice and an e-mail after the commit."""
    if not ballot.can_approve(by):
        raise Forbidden(_l("Chỉ Thủ tướng hoặc Phó Thủ tướng được giao mới duyệt gửi phiếu."))
    now = now or utcnow()
    ballot.approve(by, now)
    db.session.flush()
    record("ballot.approve", ballot, actor=by)
    notify.announce_sent(ballot, now)


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


# ---- answering ----------------------------------------------------------------------------------


@dataclass
class AnswerInput:
    """One question's answer as entered (the comment is raw; it is sanitized here)."""

    question_id: int
    choice: AnswerChoice | None
    comment: str = ""
    file: tuple[BinaryIO, str] | None = None  # (stream, filename) of an uploaded file
    remove_file: bool = False


def response_for(ballot: Ballot, user: Any) -> BallotResponse | None:
    """The user's reply to the ballot, if any."""
    return db.session.scalar(
        select(BallotResponse).where(
            BallotResponse.ballot_id == ballot.id, BallotResponse.user_id == user.id
        )
    )


def check_can_answer(ballot: Ballot, user: Any, now: datetime) -> None:
    """Raise the precise refusal: not a recipient (403), informed only (403), closed (409)."""
    recipient = ballot.recipient(user)
    if recipient is None:
        raise NotARecipient()
    if not recipient.votes:
        raise Forbidden(_l("Bạn nhận phiếu này để biết; phiếu không lấy ý kiến của bạn."))
    if ballot.status is not BallotStatus.SENT or now >= ballot.deadline:
        raise BallotClosed()


def save_response(
    ballot: Ballot,
    user: User,
    answers: Sequence[AnswerInput],
    *,
    submit: bool,
    now: datetime | None = None,
) -> BallotResponse:
    """Save a draft or submit; a submitted reply may be revised until the deadline.

    On submit every question needs an answer, and disagreeing or another opinion needs a
    comment; the error names the field (``q<question id>.choice`` / ``q<id>.comment``).
    Every save is kept as a revision (who, when, the answers).
    """
    now = now or utcnow()
    check_can_answer(ballot, user, now)
    by_question = {a.question_id: a for a in answers}
    questions = {q.id: q for q in ballot.questions}
    unknown = set(by_question) - set(questions)
    if unknown:
        raise ValidationFailed(fields={"answers": [_l("Câu hỏi không thuộc phiếu này.")]})

    errors: dict[str, list[Any]] = {}
    cleaned: dict[int, tuple[AnswerChoice | None, str]] = {}
    for qid in questions:
        given = by_question.get(qid)
        choice = AnswerChoice(given.choice) if given and given.choice else None
        comment = sanitize_comment(given.comment if given else "")
        cleaned[qid] = (choice, comment)
        if not submit:
            continue
        if choice is None:
            errors[f"q{qid}.choice"] = [_l("Hãy chọn một ý kiến cho câu hỏi này.")]
        elif choice.needs_comment and not comment_text(comment):
            errors[f"q{qid}.comment"] = [
                _l("Hãy ghi rõ ý kiến khi chọn “%(choice)s”.", choice=choice.label)
            ]
    if errors:
        raise ValidationFailed(_l("Phiếu trả lời chưa đầy đủ."), fields=errors)

    response = response_for(ballot, user)
    if response is None:
        response = BallotResponse(ballot_id=ballot.id, user_id=user.id)
        db.session.add(response)
    elif response.submitted and not submit:
        # A submitted reply stays submitted; a later change without submitting is not allowed to
        # silently withdraw it.
        raise BallotStateError(
            _l("Ý kiến đã được gửi. Hãy bấm “Gửi ý kiến” để cập nhật ý kiến đã gửi.")
        )

    config = settings()
    current = {a.question_id: a for a in response.answers}
    for qid, (choice, comment) in cleaned.items():
        row = current.get(qid)
        if row is None:
            row = BallotAnswer(question_id=qid)
            response.answers.append(row)
        row.choice, row.comment = choice, comment
        given = by_question.get(qid)
        if given and given.remove_file:
            row.file_name = row.file_sha256 = row.file_mime = row.file_size = None
        if given and given.file is not None:
            stream, filename = given.file
            try:
                stored = check_and_store(
                    stream,
                    filename,
                    store=ContentStore(config.storage_dir),
                    max_bytes=config.upload_max_bytes,
                )
            except ValidationFailed as error:
                raise ValidationFailed(
                    error.message, fields={f"q{qid}.file": [error.message]}
                ) from None
            row.file_name, row.file_sha256 = stored.display_name, stored.sha256
            row.file_mime, row.file_size = stored.media_type, stored.size

    was_submitted = response.submitted
    if submit:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = now
    response.updated_at = now
    db.session.flush()
    number = len(response.revisions) + 1
    response.revisions.append(
        BallotResponseRevision(
            number=number,
            submitted=submit,
            answers=[
                _answer_snapshot(a) for a in sorted(response.answers, key=lambda a: a.question_id)
            ],
            by_id=user.id,
            at=now,
        )
    )
    db.session.flush()
    action = "ballot.revise" if was_submitted else ("ballot.answer" if submit else "ballot.draft")
    record(action, ballot, data={"revision": number}, actor=user)
    if submit:
        emit_after_commit(
            "ballot.answered",
            notify.board_row_payload(ballot, user, now),
            room=board_room(ballot.id),
        )
    return response


def _answer_snapshot(answer: BallotAnswer) -> dict[str, Any]:
    return {
        "question_id": answer.question_id,
        "choice": answer.choice.value if answer.choice else None,
        "comment": answer.comment,
        "file_sha256": answer.file_sha256,
        "file_name": answer.file_name,
    }


# ---- closing and concluding ---------------------------------------------------------------------


def all_answered(ballot: Ballot) -> bool:
    """True when every voting recipient has submitted."""
    submitted = {
        r.user_id
        for r in db.session.scalars(
            select(BallotResponse).where(
                BallotResponse.ballot_id == ballot.id,
                BallotResponse.status == ResponseStatus.SUBMITTED,
            )
        )
    }
    return all(r.user_id in submitted for r in ballot.voters)


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
    notify.announce_closed(ballot)


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
    from voting.ballots.summary import question_results

    if not ballot.can_conclude(by):
        raise Forbidden(_l("Chỉ Thủ tướng ghi kết luận phiếu lấy ý kiến."))
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
    record("ballot.conclude", ballot, data={"outcome": outcome.value}, actor=by)
    return conclusion
