"""Preparing a ballot (the secretariat) and approving it (the chair or a granted deputy PM).

The prepare form loads through `BallotInputSchema`, the API's schema: the same input is
refused the same way, with the schema's messages next to the fields.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.config import settings
from cabinet.db import db, get_or_404
from cabinet.errors import NotFound, ValidationFailed
from cabinet.permissions import login_required_route, roles_required
from cabinet.schemas import load_or_raise
from cabinet.users import current_person
from cabinet.users.models import Role, User
from cabinet.users.services import all_members
from voting.ballots import services
from voting.ballots.access import load_ballot
from voting.ballots.forms import (
    ballot_form_errors,
    ballot_form_values,
    ballot_input,
    posted_ballot_values,
)
from voting.ballots.models import Ballot, BallotPaper
from voting.ballots.schemas import BallotInputSchema, ReturnInputSchema
from voting.ballots.views.common import CLASSIFICATIONS, bp


def _others() -> list[User]:
    member_ids = {m.id for m in all_members()}
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    return [u for u in users if u.id not in member_ids]


def _render_form(
    ballot: Ballot | None, values: dict[str, Any], errors: dict[str, Any], status: int = 200
):
    return (
        render_template(
            "ballots/form.html",
            ballot=ballot,
            values=values,
            errors=errors,
            members=all_members(),
            others=_others(),
            classifications=CLASSIFICATIONS,
            deadline_days=settings().ballot_deadline_days,
        ),
        status,
    )


def _posted_ballot() -> dict[str, Any]:
    return load_or_raise(BallotInputSchema(), ballot_input(request.form))


def _refused(ballot: Ballot | None, error: ValidationFailed):
    """The form again with what was entered and the schema's errors (nothing is stored)."""
    values = posted_ballot_values(request.form)
    return _render_form(ballot, values, ballot_form_errors(error.fields), 422)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def new():
    """Prepare a new ballot (all cabinet members are asked by default)."""
    if request.method == "GET":
        return _render_form(
            None, ballot_form_values(None, default_deadline=services.default_deadline()), {}
        )
    try:
        data = _posted_ballot()
    except ValidationFailed as error:
        return _refused(None, error)
    ballot = services.create_ballot(by=current_person(), **data)
    flash(_("Đã tạo dự thảo phiếu lấy ý kiến."), "success")
    return redirect(url_for("ballots.edit", ballot_id=ballot.id))


@bp.route("/<int:ballot_id>/edit", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def edit(ballot_id: int):
    """Change a draft ballot and its papers."""
    ballot = load_ballot(ballot_id, need="manage")
    if request.method == "GET":
        return _render_form(ballot, ballot_form_values(ballot), {})
    try:
        data = _posted_ballot()
    except ValidationFailed as error:
        return _refused(ballot, error)
    services.update_ballot(ballot, by=current_person(), **data)
    flash(_("Đã lưu phiếu."), "success")
    return redirect(url_for("ballots.edit", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/papers")
@roles_required(Role.SECRETARIAT)
def add_paper(ballot_id: int):
    """Attach a paper (PDF/DOCX checked like meeting papers)."""
    ballot = load_ballot(ballot_id, need="manage")
    upload = request.files.get("file")
    classification = request.form.get("classification", "normal")
    if classification not in CLASSIFICATIONS:
        classification = "normal"
    if upload is None or not upload.filename:
        raise ValidationFailed(fields={"file": [_l("Hãy chọn tệp tài liệu.")]})
    try:
        services.attach_paper(
            ballot,
            upload.stream,
            upload.filename,
            title=request.form.get("title", ""),
            classification=classification,
            by=current_person(),
        )
    except ValidationFailed as error:
        values = ballot_form_values(ballot)
        return _render_form(ballot, values, {"file": [str(error.message)]}, 422)
    flash(_("Đã đính kèm tài liệu."), "success")
    return redirect(url_for("ballots.edit", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/papers/<int:paper_id>/delete")
@roles_required(Role.SECRETARIAT)
def remove_paper(ballot_id: int, paper_id: int):
    """Detach a paper from a draft."""
    ballot = load_ballot(ballot_id, need="manage")
    paper = get_or_404(BallotPaper, paper_id)
    if paper.ballot_id != ballot.id:
        raise NotFound()
    services.remove_paper(ballot, paper, by=current_person())
    return redirect(url_for("ballots.edit", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/submit")
@roles_required(Role.SECRETARIAT)
def submit(ballot_id: int):
    """Hand the draft to the chair for approval."""
    ballot = load_ballot(ballot_id, need="manage")
    services.submit_for_approval(ballot, by=current_person())
    flash(_("Đã trình Thủ tướng duyệt gửi phiếu."), "success")
    return redirect(url_for("ballots.show", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/approve")
@login_required_route
def approve(ballot_id: int):
    """The chair (or a granted deputy prime minister) approves: the ballot goes out."""
    ballot = load_ballot(ballot_id, need="approve")
    services.approve_ballot(ballot, by=current_person())
    flash(_("Đã duyệt và gửi phiếu tới các thành viên."), "success")
    return redirect(url_for("ballots.show", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/return")
@login_required_route
def send_back(ballot_id: int):
    """The approver returns the draft with a note."""
    ballot = load_ballot(ballot_id, need="approve")
    data = load_or_raise(ReturnInputSchema(), {"note": request.form.get("note", "")})
    services.return_to_draft(ballot, data["note"], by=current_person())
    flash(_("Đã trả lại dự thảo cho Văn phòng Chính phủ."), "success")
    return redirect(url_for("ballots.index"))
