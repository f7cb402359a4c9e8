"""Reading and answering ballots: the list, the ballot page with its answer form, the files.

The answer form loads through `ResponseInputSchema`, the API's schema; errors (the schema's and
the reply's completeness) are shown next to their own question's fields.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from cabinet.db import db, get_or_404, utcnow
from cabinet.errors import NotFound, ValidationFailed
from cabinet.permissions import login_required_route
from cabinet.schemas import load_or_raise
from cabinet.users import current_person
from cabinet.users.models import Role
from voting.ballots.access import load_answer_file, load_ballot
from voting.ballots.answers import AnswerInput, response_for, save_response
from voting.ballots.comments import COMMENT_TAGS, comment_lost_something
from voting.ballots.forms import answer_uploads, entered_answers, response_input
from voting.ballots.models import (
    AnswerChoice,
    Ballot,
    BallotPaper,
    BallotResponse,
    BallotStatus,
    ConclusionOutcome,
)
from voting.ballots.schemas import ResponseInputSchema
from voting.ballots.views.common import bp, serve_file


@bp.get("/")
@login_required_route
def index():
    """Open ballots with the time left; the secretariat sees every ballot by status."""
    now = utcnow()
    user = current_person()
    if user.has_role(Role.SECRETARIAT):
        ballots = db.session.scalars(select(Ballot).order_by(Ballot.deadline.desc())).all()
    else:
        ballots = [
            b
            for b in db.session.scalars(select(Ballot).order_by(Ballot.deadline))
            if b.can_read(user)
        ]
    responses = {
        r.ballot_id: r
        for r in db.session.scalars(select(BallotResponse).where(BallotResponse.user_id == user.id))
    }
    open_ballots = [b for b in ballots if b.is_open(now) and b.recipient(user) is not None]
    pending = [
        b for b in ballots if b.status is BallotStatus.AWAITING_APPROVAL and b.can_approve(user)
    ]
    others = [b for b in ballots if b not in open_ballots and b not in pending]
    return render_template(
        "ballots/index.html",
        open_ballots=open_ballots,
        pending=pending,
        others=others,
        responses=responses,
        now=now,
    )


def _render_show(
    ballot: Ballot,
    *,
    errors: dict[str, Any] | None = None,
    entered: dict[int, dict[str, Any]] | None = None,
    status: int = 200,
):
    user = current_person()
    now = utcnow()
    response = response_for(ballot, user)
    current: dict[int, dict[str, Any]] = {}
    if response is not None:
        current = {
            a.question_id: {
                "choice": a.choice.value if a.choice else None,
                "comment": a.comment,
                "file": a.file_name,
            }
            for a in response.answers
        }
    for qid, given in (entered or {}).items():
        current[qid] = {**given, "file": current.get(qid, {}).get("file")}
    recipient = ballot.recipient(user)
    return (
        render_template(
            "ballots/show.html",
            ballot=ballot,
            recipient=recipient,
            response=response,
            current=current,
            errors=errors or {},
            comment_tags=" ".join(sorted(COMMENT_TAGS)),  # the editor keeps to the same whitelist
            answer_choices=list(AnswerChoice),
            can_answer=recipient is not None and recipient.votes and ballot.is_open(now),
            can_manage=ballot.can_manage(user),
            can_approve=ballot.status is BallotStatus.AWAITING_APPROVAL
            and ballot.can_approve(user),
            can_conclude=ballot.status is BallotStatus.CLOSED and ballot.can_conclude(user),
            outcomes=list(ConclusionOutcome),
            now=now,
        ),
        status,
    )


@bp.get("/<int:ballot_id>")
@login_required_route
def show(ballot_id: int):
    """The ballot: background, papers, questions and (for a voting recipient) the answer form."""
    return _render_show(load_ballot(ballot_id, need="read"))


@bp.post("/<int:ballot_id>/answer")
@login_required_route
def answer(ballot_id: int):
    """Save a draft or submit the member's answers (errors shown next to each field)."""
    ballot = load_ballot(ballot_id, need="answer")
    try:
        data = load_or_raise(ResponseInputSchema(), response_input(request.form))
        uploads = answer_uploads(request.form, request.files)
        answers = [AnswerInput(**a, **uploads.get(a["question_id"], {})) for a in data["answers"]]
        # A savepoint: a refused reply leaves nothing half-stored behind the page shown again.
        with db.session.begin_nested():
            save_response(ballot, current_person(), answers, submit=data["submit"])
    except ValidationFailed as error:
        entered = entered_answers(request.form)
        return _render_show(ballot, errors=error.fields, entered=entered, status=422)
    if any(comment_lost_something(a.comment) for a in answers):
        flash(
            _(
                "Một phần nội dung ý kiến (mã, ảnh, liên kết hoặc định dạng không hỗ trợ) đã bị "
                "loại bỏ khi lưu. Xin xem lại ý kiến bên dưới."
            ),
            "warning",
        )
    if data["submit"]:
        flash(_("Đã gửi ý kiến. Bạn có thể sửa ý kiến đến khi hết hạn."), "success")
    else:
        flash(_("Đã lưu nháp. Ý kiến chưa được gửi."), "info")
    return redirect(url_for("ballots.show", ballot_id=ballot.id))


@bp.get("/<int:ballot_id>/papers/<int:paper_id>")
@login_required_route
def paper(ballot_id: int, paper_id: int):
    """Serve an attached paper (classified ones watermarked with the reader, read audited)."""
    ballot = load_ballot(ballot_id, need="read")
    item = get_or_404(BallotPaper, paper_id)
    if item.ballot_id != ballot.id:
        raise NotFound()
    return serve_file(
        item.sha256,
        item.filename,
        item.mime,
        classified=item.is_classified,
        audited=ballot,
        audit_data={"ballot_paper_id": item.id},
    )


@bp.get("/<int:ballot_id>/answers/<int:user_id>/<int:question_id>/file")
@login_required_route
def answer_file(ballot_id: int, user_id: int, question_id: int):
    """A file a member attached to an answer: for that member and the secretariat/chair.

    Always a download: a member's file is not a checked paper, the browser must not open it
    inside the application's origin.
    """
    row = load_answer_file(ballot_id, user_id, question_id)
    return serve_file(
        row.file_sha256,
        row.file_name,
        row.file_mime,
        classified=False,
        audited=None,
        audit_data={},
        as_attachment=True,
    )
