"""Following a sent ballot (the secretariat's board, reminders, closing) and concluding it
(the summary of opinions, its PDF, the secretariat's proposal and the chair's conclusion)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from cabinet.audit import record
from cabinet.db import get_or_404
from cabinet.errors import NotFound
from cabinet.permissions import login_required_route, roles_required
from cabinet.schemas import load_or_raise
from cabinet.users import current_person
from cabinet.users.models import Role, User
from voting.ballots import services
from voting.ballots.access import load_ballot
from voting.ballots.answers import all_answered
from voting.ballots.board import board as board_of
from voting.ballots.models import BallotStatus, ConclusionOutcome
from voting.ballots.notices import remind_all, remind_member
from voting.ballots.schemas import ConclusionInputSchema, ProposalInputSchema
from voting.ballots.summary import outcome_label, question_results, summary_pdf_bytes
from voting.ballots.views.common import bp


@bp.get("/<int:ballot_id>/board")
@roles_required(Role.SECRETARIAT)
def board(ballot_id: int):
    """Live board: who has answered, who has not, who is overdue, with one-click reminders."""
    ballot = load_ballot(ballot_id, need="manage")
    return render_template(
        "ballots/board.html",
        ballot=ballot,
        board=board_of(ballot),
        all_answered=all_answered(ballot),
    )


@bp.post("/<int:ballot_id>/remind/<int:user_id>")
@roles_required(Role.SECRETARIAT)
def remind(ballot_id: int, user_id: int):
    """Remind one member now (audited, rate-limited)."""
    ballot = load_ballot(ballot_id, need="manage")
    member = get_or_404(User, user_id)
    remind_member(ballot, member, by=current_person())
    flash(_("Đã gửi nhắc nhở tới %(name)s.", name=member.name), "success")
    return redirect(url_for("ballots.board", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/remind-all")
@roles_required(Role.SECRETARIAT)
def remind_everyone(ballot_id: int):
    """Remind at once every member who has not answered (skipping those reminded this hour)."""
    ballot = load_ballot(ballot_id, need="manage")
    reminded = remind_all(ballot, by=current_person())
    if reminded:
        flash(_("Đã gửi nhắc nhở tới %(n)s thành viên chưa trả lời.", n=len(reminded)), "success")
    else:
        flash(_("Không còn ai cần nhắc: mọi người đã trả lời hoặc vừa được nhắc."), "info")
    return redirect(url_for("ballots.board", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/close")
@roles_required(Role.SECRETARIAT)
def close(ballot_id: int):
    """Close early once every member has answered."""
    ballot = load_ballot(ballot_id, need="manage")
    services.close_ballot(ballot, by=current_person())
    flash(_("Đã kết thúc lấy ý kiến."), "success")
    return redirect(url_for("ballots.summary", ballot_id=ballot.id))


@bp.get("/<int:ballot_id>/summary")
@login_required_route
def summary(ballot_id: int):
    """The summary of opinions on screen, with the proposal and the conclusion forms."""
    ballot = load_ballot(ballot_id, need="summary")
    if ballot.status not in (BallotStatus.SENT, BallotStatus.CLOSED, BallotStatus.CONCLUDED):
        raise NotFound()
    user = current_person()
    return render_template(
        "ballots/summary.html",
        ballot=ballot,
        results=question_results(ballot),
        outcome_text=outcome_label,
        can_manage=ballot.can_manage(user),
        can_conclude=ballot.status is BallotStatus.CLOSED and ballot.can_conclude(user),
        outcomes=list(ConclusionOutcome),
    )


@bp.get("/<int:ballot_id>/summary.pdf")
@login_required_route
def summary_pdf(ballot_id: int):
    """The summary of opinions as a PDF (Báo cáo tổng hợp ý kiến)."""
    ballot = load_ballot(ballot_id, need="summary")
    if ballot.status not in (BallotStatus.CLOSED, BallotStatus.CONCLUDED):
        raise NotFound()
    pdf = summary_pdf_bytes(ballot)
    record("ballot.summary", ballot)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="tong-hop-y-kien-{ballot.id}.pdf"'},
    )


@bp.post("/<int:ballot_id>/proposal")
@roles_required(Role.SECRETARIAT)
def proposal(ballot_id: int):
    """The secretariat's proposal to the chair."""
    ballot = load_ballot(ballot_id, need="manage")
    data = load_or_raise(ProposalInputSchema(), {"text": request.form.get("text", "")})
    services.set_proposal(ballot, data["text"], by=current_person())
    flash(_("Đã lưu đề xuất."), "success")
    return redirect(url_for("ballots.summary", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/conclude")
@roles_required(Role.CHAIR)
def conclude(ballot_id: int):
    """The chair records the conclusion; the ballot becomes concluded."""
    ballot = load_ballot(ballot_id, need="conclude")
    data = load_or_raise(
        ConclusionInputSchema(),
        {"text": request.form.get("text", ""), "outcome": request.form.get("outcome", "")},
    )
    services.conclude_ballot(
        ballot,
        text=data["text"],
        outcome=ConclusionOutcome(data["outcome"]),
        by=current_person(),
    )
    flash(_("Đã ghi kết luận."), "success")
    return redirect(url_for("ballots.summary", ballot_id=ballot.id))
