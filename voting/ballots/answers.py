"""Answering a ballot: save a draft or submit, revise until the deadline, every revision kept.

The caller has checked that the person is a voting recipient (`access.load_ballot(need=
"answer")`); these functions enforce the ballot's state (sent, before its deadline) and the
completeness of a submitted reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.errors import ValidationFailed
from cabinet.realtime import emit_after_commit
from cabinet.storage import ContentStore, check_and_store
from cabinet.users.models import User
from voting.ballots.board import board_room, board_update
from voting.ballots.comments import comment_text, sanitize_comment
from voting.ballots.models import (
    AnswerChoice,
    Ballot,
    BallotAnswer,
    BallotClosed,
    BallotResponse,
    BallotResponseRevision,
    BallotStateError,
    BallotStatus,
    ResponseStatus,
)


@dataclass
class AnswerInput:
    """One question's answer as entered (the comment is raw; it is sanitized here)."""

    question_id: int
    choice: AnswerChoice | str | None
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


def ensure_answerable(ballot: Ballot, now: datetime) -> None:
    """Raise BallotClosed (409) unless the ballot is sent and before its deadline."""
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
    ensure_answerable(ballot, now)
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
            _store_file(row, qid, *given.file)

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
            "ballot.answered", board_update(ballot, user, now), room=board_room(ballot.id)
        )
    return response


def _store_file(row: BallotAnswer, qid: int, stream: BinaryIO, filename: str) -> None:
    """Check and store a file attached to one answer (same checks as meeting papers)."""
    config = settings()
    try:
        stored = check_and_store(
            stream,
            filename,
            store=ContentStore(config.storage_dir),
            max_bytes=config.upload_max_bytes,
        )
    except ValidationFailed as error:
        raise ValidationFailed(error.message, fields={f"q{qid}.file": [error.message]}) from None
    row.file_name, row.file_sha256 = stored.display_name, stored.sha256
    row.file_mime, row.file_size = stored.media_type, stored.size


def _answer_snapshot(answer: BallotAnswer) -> dict[str, Any]:
    return {
        "question_id": answer.question_id,
        "choice": answer.choice.value if answer.choice else None,
        "comment": answer.comment,
        "file_sha256": answer.file_sha256,
        "file_name": answer.file_name,
    }


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
