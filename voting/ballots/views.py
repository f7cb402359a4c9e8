"""HTML pages of opinion ballots: the list, the form, the answer page, the board, the summary."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, get_or_404, utcnow
from cabinet.errors import Forbidden, NotFound, ValidationFailed
from cabinet.permissions import login_required_route, roles_required
from cabinet.storage import ContentStore, send_stored, watermarked_copy
from cabinet.users.models import Role, User
from cabinet.users.services import all_members
from voting.ballots import notify, services
from voting.ballots.models import (
    AnswerChoice,
    Ballot,
    BallotPaper,
    BallotResponse,
    BallotStatus,
    ConclusionOutcome,
)
from voting.ballots.summary import outcome_text, question_results, render_summary_pdf

bp = Blueprint("ballots", __name__, url_prefix="/ballots")

CLASSIFICATIONS = ("normal", "restricted", "secret")


def _load(ballot_id: int) -> Ballot:
    ballot = get_or_404(Ballot, ballot_id)
    if not ballot.can_read(current_user):
        raise Forbidden(_l("Phiếu lấy ý kiến này không được gửi tới bạn."))
    return ballot


def _managed(ballot_id: int) -> Ballot:
    ballot = get_or_404(Ballot, ballot_id)
    if not ballot.can_manage(current_user):
        raise Forbidden()
    return ballot


# ---- lists --------------------------------------------------------------------------------------


@bp.get("/")
@login_required_route
def index():
    """Open ballots with the time left; the secretariat sees every ballot by status."""
    now = utcnow()
    user = current_user._get_current_object()
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
        vn_datetime=notify.vn_datetime,
    )


# ---- preparing ----------------------------------------------------------------------------------


def _form_values(ballot: Ballot | None) -> dict[str, Any]:
    zone = ZoneInfo(settings().timezone)
    deadline = (ballot.deadline if ballot else services.default_deadline()).astimezone(zone)
    return {
        "title": ballot.title if ballot else "",
        "background": ballot.background if ballot else "",
        "questions": [q.text for q in ballot.questions] if ballot else [""],
        "deadline_date": deadline.date().isoformat(),
        "deadline_time": deadline.strftime("%H:%M"),
        "info_ids": [r.user_id for r in ballot.recipients if not r.votes] if ballot else [],
    }


def _parse_form() -> tuple[dict[str, Any], dict[str, Any]]:
    form = request.form
    values = {
        "title": form.get("title", "").strip(),
        "background": form.get("background", ""),
        "questions": [q for q in form.getlist("questions") if q.strip()],
        "deadline_date": form.get("deadline_date", ""),
        "deadline_time": form.get("deadline_time", "17:00"),
        "info_ids": [int(v) for v in form.getlist("info_ids") if v.isdigit()],
    }
    errors: dict[str, list[str]] = {}
    if len(values["title"]) < 3:
        errors["title"] = [_("Hãy nhập tiêu đề phiếu (ít nhất 3 ký tự).")]
    if not values["questions"]:
        errors["questions"] = [_("Phiếu cần ít nhất một câu hỏi.")]
    deadline = None
    try:
        local = datetime.combine(
            datetime.strptime(values["deadline_date"], "%Y-%m-%d").date(),
            time.fromisoformat(values["deadline_time"] or "17:00"),
            tzinfo=ZoneInfo(settings().timezone),
        )
        deadline = local.astimezone(ZoneInfo("UTC"))
        if deadline <= utcnow():
            errors["deadline"] = [_("Hạn trả lời phải ở tương lai.")]
    except ValueError:
        errors["deadline"] = [_("Ngày giờ không hợp lệ.")]
    return {**values, "deadline": deadline}, errors


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


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def new():
    """Prepare a new ballot (all cabinet members are asked by default)."""
    if request.method == "GET":
        return _render_form(None, _form_values(None), {})
    values, errors = _parse_form()
    if errors:
        return _render_form(None, values, errors, 422)
    ballot = services.create_ballot(
        title=values["title"],
        background=values["background"],
        questions=values["questions"],
        deadline=values["deadline"],
        info_ids=values["info_ids"],
        by=current_user._get_current_object(),
    )
    db.session.commit()
    flash(_("Đã tạo dự thảo phiếu lấy ý kiến."), "success")
    return redirect(url_for("ballots.edit", ballot_id=ballot.id))


@bp.route("/<int:ballot_id>/edit", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def edit(ballot_id: int):
    """Change a draft ballot and its papers."""
    ballot = _managed(ballot_id)
    if request.method == "GET":
        return _render_form(ballot, _form_values(ballot), {})
    ballot.ensure_editable()
    values, errors = _parse_form()
    if errors:
        return _render_form(ballot, values, errors, 422)
    services.update_ballot(
        ballot,
        title=values["title"],
        background=values["background"],
        questions=values["questions"],
        deadline=values["deadline"],
        info_ids=values["info_ids"],
        by=current_user._get_current_object(),
    )
    db.session.commit()
    flash(_("Đã lưu phiếu."), "success")
    return redirect(url_for("ballots.edit", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/papers")
@roles_required(Role.SECRETARIAT)
def add_paper(ballot_id: int):
    """Attach a paper (PDF/DOCX checked like meeting papers)."""
    ballot = _managed(ballot_id)
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
            by=current_user._get_current_object(),
        )
    except ValidationFailed as error:
        db.session.rollback()
        values = _form_values(ballot)
        return _render_form(ballot, values, {"file": [str(error.message)]}, 422)
    db.session.commit()
    flash(_("Đã đính kèm tài liệu."), "success")
    return redirect(url_for("ballots.edit", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/papers/<int:paper_id>/delete")
@roles_required(Role.SECRETARIAT)
def remove_paper(ballot_id: int, paper_id: int):
    """Detach a paper from a draft."""
    ballot = _managed(ballot_id)
    paper = get_or_404(BallotPaper, paper_id)
    if paper.ballot_id != ballot.id:
        raise NotFound()
    services.remove_paper(ballot, paper, by=current_user._get_current_object())
    db.session.commit()
    return redirect(url_for("ballots.edit", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/submit")
@roles_required(Role.SECRETARIAT)
def submit(ballot_id: int):
    """Hand the draft to the chair for approval."""
    ballot = _managed(ballot_id)
    services.submit_for_approval(ballot, by=current_user._get_current_object())
    db.session.commit()
    flash(_("Đã trình Thủ tướng duyệt gửi phiếu."), "success")
    return redirect(url_for("ballots.show", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/approve")
@login_required_route
def approve(ballot_id: int):
    """The chair (or a granted deputy prime minister) approves: the ballot goes out."""
    ballot = get_or_404(Ballot, ballot_id)
    services.approve_ballot(ballot, by=current_user._get_current_object())
    db.session.commit()
    flash(_("Đã duyệt và gửi phiếu tới các thành viên."), "success")
    return redirect(url_for("ballots.show", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/return")
@login_required_route
def send_back(ballot_id: int):
    """The approver returns the draft with a note."""
    ballot = get_or_404(Ballot, ballot_id)
    services.return_to_draft(
        ballot, request.form.get("note", ""), by=current_user._get_current_object()
    )
    db.session.commit()
    flash(_("Đã trả lại dự thảo cho Văn phòng Chính phủ."), "success")
    return redirect(url_for("ballots.index"))


# ---- reading and answering ----------------------------------------------------------------------


def _answer_form() -> list[services.AnswerInput]:
    answers = []
    for key in request.form:
        if not (key.startswith("q") and key.endswith(".present")):
            continue
        qid = int(key[1:].split(".")[0])
        raw = request.form.get(f"q{qid}.choice")
        upload = request.files.get(f"q{qid}.file")
        answers.append(
            services.AnswerInput(
                question_id=qid,
                choice=AnswerChoice(raw) if raw in {c.value for c in AnswerChoice} else None,
                comment=request.form.get(f"q{qid}.comment", ""),
                file=(upload.stream, upload.filename) if upload and upload.filename else None,
                remove_file=request.form.get(f"q{qid}.remove_file") == "1",
            )
        )
    return answers


def _render_show(ballot: Ballot, *, errors=None, entered=None, status: int = 200):
    user = current_user._get_current_object()
    now = utcnow()
    response = services.response_for(ballot, user)
    current = {}
    if response is not None:
        current = {
            a.question_id: {
                "choice": a.choice.value if a.choice else None,
                "comment": a.comment,
                "file": a.file_name,
            }
            for a in response.answers
        }
    if entered is not None:
        for item in entered:
            current[item.question_id] = {
                "choice": item.choice.value if item.choice else None,
                "comment": item.comment,
                "file": current.get(item.question_id, {}).get("file"),
            }
    recipient = ballot.recipient(user)
    return (
        render_template(
            "ballots/show.html",
            ballot=ballot,
            recipient=recipient,
            response=response,
            current=current,
            errors=errors or {},
            answer_choices=list(AnswerChoice),
            can_answer=recipient is not None and recipient.votes and ballot.is_open(now),
            can_manage=ballot.can_manage(user),
            can_approve=ballot.status is BallotStatus.AWAITING_APPROVAL
            and ballot.can_approve(user),
            can_conclude=ballot.status is BallotStatus.CLOSED and ballot.can_conclude(user),
            outcomes=list(ConclusionOutcome),
            now=now,
            vn_datetime=notify.vn_datetime,
        ),
        status,
    )


@bp.get("/<int:ballot_id>")
@login_required_route
def show(ballot_id: int):
    """The ballot: background, papers, questions and (for a voting recipient) the answer form."""
    return _render_show(_load(ballot_id))


@bp.post("/<int:ballot_id>/answer")
@login_required_route
def answer(ballot_id: int):
    """Save a draft or submit the member's answers (errors shown next to each field)."""
    ballot = get_or_404(Ballot, ballot_id)
    user = current_user._get_current_object()
    services.check_can_answer(ballot, user, utcnow())
    entered = _answer_form()
    submit = request.form.get("action") == "submit"
    try:
        services.save_response(ballot, user, entered, submit=submit)
    except ValidationFailed as error:
        db.session.rollback()
        return _render_show(ballot, errors=error.fields, entered=entered, status=422)
    db.session.commit()
    if submit:
        flash(_("Đã gửi ý kiến. Bạn có thể sửa ý kiến đến khi hết hạn."), "success")
    else:
        flash(_("Đã lưu nháp. Ý kiến chưa được gửi."), "info")
    return redirect(url_for("ballots.show", ballot_id=ballot.id))


def _serve(
    sha256: str, name: str, mime: str, classified: bool, what: Any, audit_data: dict
) -> Response:
    config = settings()
    store = ContentStore(config.storage_dir)
    user = current_user._get_current_object()
    path = store.path_for(sha256)
    if classified:
        if mime != "application/pdf":
            raise Forbidden(_l("Tài liệu mật chỉ được đọc trực tuyến dưới dạng PDF có đóng dấu."))
        stamp = f"{user.name} · {notify.vn_datetime(utcnow())}"
        path = watermarked_copy(store, sha256, user.id, stamp)
        record("paper.read", what, data=audit_data)
        db.session.commit()
    return send_stored(
        path,
        download_name=name,
        mimetype=mime,
        x_accel=config.x_accel_redirect,
        x_accel_root=config.storage_dir,
        etag=None if not classified else f"{sha256}-{user.id}",
    )


@bp.get("/<int:ballot_id>/papers/<int:paper_id>")
@login_required_route
def paper(ballot_id: int, paper_id: int):
    """Serve an attached paper (classified ones watermarked with the reader, read audited)."""
    ballot = _load(ballot_id)
    item = get_or_404(BallotPaper, paper_id)
    if item.ballot_id != ballot.id:
        raise NotFound()
    return _serve(
        item.sha256,
        item.filename,
        item.mime,
        item.is_classified,
        ballot,
        {"ballot_paper_id": item.id},
    )


@bp.get("/<int:ballot_id>/answers/<int:user_id>/<int:question_id>/file")
@login_required_route
def answer_file(ballot_id: int, user_id: int, question_id: int):
    """A file a member attached to an answer: for that member and the secretariat/chair."""
    ballot = _load(ballot_id)
    user = current_user._get_current_object()
    if user.id != user_id and not (ballot.can_manage(user) or ballot.can_conclude(user)):
        raise Forbidden()
    response = services.response_for(ballot, db.session.get(User, user_id) or user)
    row = response.answer_for(question_id) if response else None
    if row is None or row.file_sha256 is None:
        raise NotFound()
    return _serve(row.file_sha256, row.file_name, row.file_mime, False, ballot, {})


# ---- the secretariat's board, closing, summary, conclusion --------------------------------------


@bp.get("/<int:ballot_id>/board")
@roles_required(Role.SECRETARIAT)
def board(ballot_id: int):
    """Live board: who has answered, who has not, who is overdue, with one-click reminders."""
    ballot = _managed(ballot_id)
    return render_template(
        "ballots/board.html",
        ballot=ballot,
        board=notify.board(ballot),
        all_answered=services.all_answered(ballot),
        vn_datetime=notify.vn_datetime,
    )


@bp.post("/<int:ballot_id>/remind/<int:user_id>")
@roles_required(Role.SECRETARIAT)
def remind(ballot_id: int, user_id: int):
    """Remind one member now (audited, rate-limited)."""
    ballot = _managed(ballot_id)
    member = get_or_404(User, user_id)
    notify.remind_member(ballot, member, by=current_user._get_current_object())
    db.session.commit()
    flash(_("Đã gửi nhắc nhở tới %(name)s.", name=member.name), "success")
    return redirect(url_for("ballots.board", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/close")
@roles_required(Role.SECRETARIAT)
def close(ballot_id: int):
    """Close early once every member has answered."""
    ballot = _managed(ballot_id)
    services.close_ballot(ballot, by=current_user._get_current_object())
    db.session.commit()
    flash(_("Đã kết thúc lấy ý kiến."), "success")
    return redirect(url_for("ballots.summary", ballot_id=ballot.id))


@bp.get("/<int:ballot_id>/summary")
@login_required_route
def summary(ballot_id: int):
    """The summary of opinions on screen, with the proposal and the conclusion forms."""
    ballot = get_or_404(Ballot, ballot_id)
    user = current_user._get_current_object()
    if not (ballot.can_manage(user) or ballot.can_conclude(user) or ballot.can_approve(user)):
        raise Forbidden()
    if ballot.status not in (BallotStatus.SENT, BallotStatus.CLOSED, BallotStatus.CONCLUDED):
        raise NotFound()
    return render_template(
        "ballots/summary.html",
        ballot=ballot,
        results=question_results(ballot),
        outcome_text=outcome_text,
        can_manage=ballot.can_manage(user),
        can_conclude=ballot.status is BallotStatus.CLOSED and ballot.can_conclude(user),
        outcomes=list(ConclusionOutcome),
        vn_datetime=notify.vn_datetime,
    )


@bp.get("/<int:ballot_id>/summary.pdf")
@login_required_route
def summary_pdf(ballot_id: int):
    """The summary of opinions as a PDF (Báo cáo tổng hợp ý kiến)."""
    ballot = get_or_404(Ballot, ballot_id)
    user = current_user._get_current_object()
    if not (ballot.can_manage(user) or ballot.can_conclude(user) or ballot.can_approve(user)):
        raise Forbidden()
    if ballot.status not in (BallotStatus.CLOSED, BallotStatus.CONCLUDED):
        raise NotFound()
    pdf = render_summary_pdf(ballot)
    record("ballot.summary", ballot)
    db.session.commit()
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="tong-hop-y-kien-{ballot.id}.pdf"'},
    )


@bp.post("/<int:ballot_id>/proposal")
@roles_required(Role.SECRETARIAT)
def proposal(ballot_id: int):
    """The secretariat's proposal to the chair."""
    ballot = _managed(ballot_id)
    text = request.form.get("text", "")
    if not services.comment_text(text):
        raise ValidationFailed(fields={"text": [_l("Hãy nhập đề xuất.")]})
    services.set_proposal(ballot, text, by=current_user._get_current_object())
    db.session.commit()
    flash(_("Đã lưu đề xuất."), "success")
    return redirect(url_for("ballots.summary", ballot_id=ballot.id))


@bp.post("/<int:ballot_id>/conclude")
@roles_required(Role.CHAIR)
def conclude(ballot_id: int):
    """The chair records the conclusion; the ballot becomes concluded."""
    ballot = get_or_404(Ballot, ballot_id)
    text = request.form.get("text", "")
    raw = request.form.get("outcome", "")
    if not services.comment_text(text) or raw not in {o.value for o in ConclusionOutcome}:
        raise ValidationFailed(fields={"text": [_l("Hãy nhập kết luận và chọn quyết định.")]})
    services.conclude_ballot(
        ballot, text=text, outcome=ConclusionOutcome(raw), by=current_user._get_current_object()
    )
    db.session.commit()
    flash(_("Đã ghi kết luận."), "success")
    return redirect(url_for("ballots.summary", ballot_id=ballot.id))
