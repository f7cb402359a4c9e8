"""HTML pages of records: the list, the minutes (editor, comments, signing), decision records,
and the signature verification page.

Each view loads with the access it needs (`records.access`), calls one service and renders or
redirects; the route wrapper commits.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from cabinet.audit import record as audit
from cabinet.config import settings
from cabinet.db import db
from cabinet.errors import ValidationFailed
from cabinet.permissions import login_required_route, public_route, roles_required
from cabinet.signing import user_p12_path
from cabinet.storage import content_disposition
from cabinet.users import current_person
from cabinet.users.models import Role, User
from meetings.models import Meeting, MeetingState
from records import services
from records.access import (
    load_ballot,
    load_decision,
    load_minutes,
    load_pdf_to_verify,
    load_session,
)
from records.compose.fields import editable_fields, field_label
from records.decree30 import organisation_p12_path
from records.models import (
    DecisionRecord,
    Minutes,
    MinutesWithoutConclusions,
    RecordState,
    SignatureEvent,
    SignerRole,
)
from records.render import render_decision, render_minutes
from records.signing import identity_of, signer_role, store
from records.verify import check_rate, verify_document
from voting.ballots.models import Ballot, BallotStatus

bp = Blueprint("records", __name__, url_prefix="/records")
verify_bp = Blueprint("signing", __name__, url_prefix="/verify")


@bp.get("/")
@login_required_route
def index():
    """Closed sessions with the state of their minutes, and the decision records."""
    user = current_person()
    meetings = [
        m
        for m in db.session.scalars(
            select(Meeting)
            .where(Meeting.state.in_([MeetingState.CLOSED, MeetingState.ARCHIVED]))
            .order_by(Meeting.starts_at.desc())
        )
        if m.has_member_access(user)
    ]
    minutes = {
        m.meeting_id: m
        for m in db.session.scalars(
            select(Minutes).where(Minutes.meeting_id.in_([m.id for m in meetings]))
        )
    }
    decisions = [
        d
        for d in db.session.scalars(select(DecisionRecord).order_by(DecisionRecord.id.desc()))
        if d.can_read(user)
    ]
    ballots = []
    if user.has_role(Role.SECRETARIAT):
        made = {(d.ballot_id, d.kind.value) for d in decisions if d.ballot_id}
        ballots = [
            (b, (b.id, "ballot_decision") not in made, (b.id, "ballot_summary") not in made)
            for b in db.session.scalars(
                select(Ballot).where(Ballot.status == BallotStatus.CONCLUDED)
            )
        ]
        ballots = [row for row in ballots if row[1] or row[2]]
    return render_template(
        "records/index.html",
        meetings=meetings,
        minutes=minutes,
        decisions=decisions,
        ballots=ballots,
        awaiting=lambda r: signer_role(r, user),
    )


def _signatures(record: Minutes | DecisionRecord) -> list[SignatureEvent]:
    return list(
        db.session.scalars(
            select(SignatureEvent)
            .where(
                SignatureEvent.record_type == record.record_type,
                SignatureEvent.record_id == record.id,
            )
            .order_by(SignatureEvent.id)
        )
    )


@bp.get("/meetings/<int:meeting_id>/minutes")
@login_required_route
def minutes(meeting_id: int):
    """The minutes of a session: document, editor, comments, signatures."""
    meeting = load_session(meeting_id, need="read")
    user = current_person()
    # Drafted when the session closed; a session closed before that drafts them here.
    record = services.ensure_minutes(meeting, user)
    comments: dict[int | None, list] = {}
    for comment in record.comments:
        comments.setdefault(comment.item_id, []).append(comment)
    return render_template(
        "records/minutes.html",
        meeting=meeting,
        minutes=record,
        c=record.content,
        fields=editable_fields(record.content),
        field_label=field_label,
        can_edit=record.can_edit(user) and record.is_editable,
        can_comment=record.state == RecordState.CIRCULATED and record.can_comment(user),
        comments=comments,
        my_role=signer_role(record, user),
        has_key=_has_key(user),
        signatures=_signatures(record),
        decisions=services.decisions_of_meeting(meeting),
    )


def _has_key(user: User, role: SignerRole | None = None) -> bool:
    if role == SignerRole.ORGANISATION:  # the office signs with the organisation's keystore
        return organisation_p12_path(Path(settings().keys_dir)).is_file()
    ident = identity_of(user)
    if ident is not None and ident.backend == "pkcs11":
        return True
    path = Path(ident.p12_path) if ident and ident.p12_path else None
    return (path or user_p12_path(settings().keys_dir, user.email)).is_file()


def _pdf_response(data: bytes, name: str, download: bool) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(name, as_attachment=download)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _stored_or_rendered(record, render) -> bytes:
    if record.pdf_sha256 and not record.is_editable:
        with store().open(record.pdf_sha256) as handle:
            return handle.read()
    return render(record)


@bp.get("/minutes/<int:minutes_id>/pdf")
@login_required_route
def minutes_pdf(minutes_id: int):
    """The minutes PDF: a fresh draft render while editable, else the stored (signed) file."""
    record = load_minutes(minutes_id)
    data = _stored_or_rendered(record, render_minutes)
    audit("minutes.downloaded", record, data={"state": str(record.state)})
    suffix = "-da-ky" if record.state == RecordState.LOCKED else ""
    return _pdf_response(
        data, f"bien-ban-{record.meeting_id}{suffix}.pdf", "download" in request.args
    )


def _minutes_action(minutes_id: int, action, message: str):
    record = load_minutes(minutes_id, need="edit")
    action(record, actor=current_person())
    flash(message, "success")
    return redirect(url_for("records.minutes", meeting_id=record.meeting_id))


@bp.post("/minutes/<int:minutes_id>/circulate")
@roles_required(Role.SECRETARIAT)
def circulate(minutes_id: int):
    """Send the draft minutes to the members present for corrections."""
    return _minutes_action(
        minutes_id, services.circulate_minutes, _("Đã gửi dự thảo biên bản để thành viên góp ý.")
    )


@bp.post("/minutes/<int:minutes_id>/finalize")
@roles_required(Role.SECRETARIAT)
def finalize(minutes_id: int):
    """Freeze the minutes, number them and render the PDF for signing; minutes without any
    conclusion come back with the reason (422), unchanged."""
    try:
        return _minutes_action(
            minutes_id,
            services.finalize_minutes,
            _("Đã chốt bản cuối biên bản; chờ thư ký ký số."),
        )
    except MinutesWithoutConclusions as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return minutes(load_minutes(minutes_id).meeting_id), 422


@bp.post("/minutes/<int:minutes_id>/reopen")
@roles_required(Role.SECRETARIAT)
def reopen(minutes_id: int):
    """Take the minutes back to draft (before any signature)."""
    return _minutes_action(minutes_id, services.reopen_minutes, _("Biên bản đã trở lại dự thảo."))


@bp.post("/meetings/<int:meeting_id>/resolution")
@roles_required(Role.SECRETARIAT)
def new_resolution(meeting_id: int):
    """Draft the resolution of a session from its conclusions."""
    meeting = load_session(meeting_id, need="manage")
    record = services.draft_resolution(meeting, actor=current_person())
    return redirect(url_for("records.decision", record_id=record.id))


@bp.post("/ballots/<int:ballot_id>/summary")
@roles_required(Role.SECRETARIAT)
def new_ballot_summary(ballot_id: int):
    """Take the stored summary of opinions of a concluded ballot into the records, where the
    office seals, numbers and registers it."""
    ballot = load_ballot(ballot_id, need="manage")
    record = services.ballot_summary_record(ballot, actor=current_person())
    return redirect(url_for("records.decision", record_id=record.id))


@bp.post("/ballots/<int:ballot_id>/decision")
@roles_required(Role.SECRETARIAT)
def new_ballot_decision(ballot_id: int):
    """Draft the decision record of a concluded opinion ballot."""
    ballot = load_ballot(ballot_id, need="manage")
    record = services.draft_ballot_decision(ballot, actor=current_person())
    return redirect(url_for("records.decision", record_id=record.id))


@bp.get("/decisions/<int:record_id>")
@login_required_route
def decision(record_id: int):
    """A decision record: preview, editor for a draft, issuance and signatures."""
    record = load_decision(record_id)
    user = current_person()
    return render_template(
        "records/decision.html",
        record=record,
        c=record.content,
        can_edit=record.can_edit(user) and record.is_editable,
        my_role=signer_role(record, user),
        has_key=_has_key(user, signer_role(record, user)),
        signatures=_signatures(record),
        decree30=settings().decision_signing_order == "decree30",
    )


@bp.post("/decisions/<int:record_id>/issue")
@roles_required(Role.SECRETARIAT)
def issue(record_id: int):
    """Give the decision record its register number."""
    record = load_decision(record_id, need="edit")
    services.issue_decision(record, actor=current_person())
    if record.register_entry is None:  # Decree 30: numbered by the office after the signature
        flash(
            _(
                "Đã chốt văn bản để trình ký. Số và ngày ban hành được cấp khi văn thư đóng dấu, "
                "sau khi người có thẩm quyền ký."
            ),
            "success",
        )
    else:
        flash(_("Đã cấp số %(number)s.", number=record.register_entry.symbol), "success")
    return redirect(url_for("records.decision", record_id=record.id))


@bp.get("/decisions/<int:record_id>/pdf")
@login_required_route
def decision_pdf(record_id: int):
    """The decision record PDF (draft render, or the stored numbered/signed file)."""
    record = load_decision(record_id)
    data = _stored_or_rendered(record, render_decision)
    audit("decision.downloaded", record, data={"state": str(record.state)})
    number = record.register_entry.symbol.replace("/", "-") if record.register_entry else "du-thao"
    return _pdf_response(data, f"nghi-quyet-{number}.pdf", "download" in request.args)


@verify_bp.get("/")
@public_route
def verify():
    """Upload a PDF, or pick a record, to check its signatures and the register (open to all)."""
    return render_template("records/verify.html", result=None, choices=_verify_choices())


@verify_bp.post("/")
@public_route
def verify_upload():
    """Show the verification report of an uploaded PDF (never stored) or a chosen record."""
    check_rate(request.remote_addr)
    try:
        if not current_user.is_authenticated and "file" not in request.files:
            raise ValidationFailed(_("Hãy tải lên tệp PDF để kiểm tra."))
        result = verify_document(load_pdf_to_verify())
    except ValidationFailed as error:
        flash(str(error.message), "error")
        return render_template("records/verify.html", result=None, choices=_verify_choices()), 422
    return render_template("records/verify.html", result=result, choices=_verify_choices())


def _verify_choices() -> list[tuple[str, int, str]]:
    if not current_user.is_authenticated:
        return []
    user = current_person()
    choices = []
    for m in db.session.scalars(select(Minutes).where(Minutes.pdf_sha256.is_not(None))):
        if m.can_read(user):
            choices.append(("minutes", m.id, f"Biên bản — {m.content['meeting']['title']}"))
    for d in db.session.scalars(
        select(DecisionRecord).where(DecisionRecord.pdf_sha256.is_not(None))
    ):
        if d.can_read(user):
            number = d.register_entry.symbol if d.register_entry else ""
            choices.append(("decision", d.id, f"{number} — {d.title}"))
    return choices
