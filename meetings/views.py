"""HTML pages: the secretariat's meeting and agenda editor, the members' tablet pages.

Every view: load (404), check, validate, call one service, commit, render or redirect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from cabinet.config import settings
from cabinet.db import db, get_or_404
from cabinet.errors import Forbidden, NotFound, ValidationFailed
from cabinet.permissions import login_required_route, roles_required
from cabinet.schemas import load_or_raise
from cabinet.users.models import Role, User
from cabinet.users.services import all_members
from meetings import hooks, services
from meetings.models import (
    CLASSIFICATION_LABELS,
    FORM_LABELS,
    ITEM_KIND_LABELS,
    KIND_LABELS,
    STATE_LABELS,
    AgendaItem,
    Classification,
    ItemKind,
    Meeting,
    MeetingForm,
    MeetingKind,
    MeetingState,
    Paper,
    ParticipantRole,
)
from meetings.papers import paper_response
from meetings.schemas import (
    AgendaItemInputSchema,
    MeetingInputSchema,
    PaperClassificationSchema,
    PaperUploadSchema,
)

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

STATE_BUTTONS = {
    MeetingState.PUBLISHED: "Công bố",
    MeetingState.DRAFT: "Thu hồi về dự thảo",
    MeetingState.IN_SESSION: "Khai mạc phiên họp",
    MeetingState.CLOSED: "Bế mạc phiên họp",
    MeetingState.ARCHIVED: "Lưu trữ",
}


def _user() -> User:
    return current_user._get_current_object()


def _local(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """A stored UTC time shown in the cabinet's time zone."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(settings().timezone)).strftime(fmt)


@bp.app_template_filter("local_dt")
def local_dt_filter(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """Jinja filter: a UTC datetime in the configured zone."""
    return _local(value, fmt)


@bp.app_template_filter("filesize")
def filesize_filter(size: int | None) -> str:
    """Jinja filter: a byte count for people."""
    if not size:
        return "0 KB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"


@bp.context_processor
def labels() -> dict[str, Any]:
    """Enum labels and choices every meetings template uses."""
    return {
        "KIND_LABELS": KIND_LABELS,
        "FORM_LABELS": FORM_LABELS,
        "STATE_LABELS": STATE_LABELS,
        "ITEM_KIND_LABELS": ITEM_KIND_LABELS,
        "CLASSIFICATION_LABELS": CLASSIFICATION_LABELS,
        "MeetingState": MeetingState,
        "Classification": Classification,
        "STATE_BUTTONS": STATE_BUTTONS,
    }


def _load_meeting(meeting_id: int) -> Meeting:
    meeting = services.load_meeting(meeting_id)
    if meeting is None:
        raise NotFound()
    return meeting


def _readable_meeting(meeting_id: int) -> Meeting:
    meeting = _load_meeting(meeting_id)
    if not meeting.can_read(_user()):
        raise Forbidden()
    return meeting


def _people() -> dict[str, list[User]]:
    """Choices for the invitation lists."""
    members = all_members()
    member_ids = {u.id for u in members}
    others = [
        u
        for u in db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
        if u.id not in member_ids
    ]
    return {"members": members, "others": others}


def _form_error(error: ValidationFailed) -> dict[str, list[str]]:
    db.session.rollback()
    fields = {k: [str(m) for m in v] for k, v in (error.fields or {}).items()}
    if not fields:
        fields["_schema"] = [str(error.message)]
    return fields


# -- My meetings (members' home) ----------------------------------------------------------


@bp.route("/my")
@login_required_route
def my_meetings():
    """A person's meetings: in session, upcoming, past."""
    groups = services.my_meetings(_user())
    return render_template("meetings/my_meetings.html", groups=groups)


# -- secretariat: meetings ----------------------------------------------------------------


@bp.route("/")
@roles_required(Role.SECRETARIAT)
def index():
    """Every meeting, for the secretariat."""
    state = request.args.get("state")
    states = [MeetingState(state)] if state in set(MeetingState) else None
    return render_template(
        "meetings/index.html", meetings=services.list_meetings(states=states), state=state
    )


def _meeting_form(meeting: Meeting | None, values: dict, errors: dict, status: int = 200):
    people = _people()
    chairs = [u for u in people["members"] if u.has_role(Role.CHAIR)] or people["members"]
    return (
        render_template(
            "meetings/meeting_form.html",
            meeting=meeting,
            values=values,
            errors=errors,
            kinds=list(MeetingKind),
            forms=list(MeetingForm),
            chair_options=[(u.id, f"{u.name} — {u.title}" if u.title else u.name) for u in chairs],
            **people,
        ),
        status,
    )


def _meeting_values(meeting: Meeting | None) -> dict[str, Any]:
    if meeting is None:
        members = [u.id for u in all_members()]
        return {"kind": "regular", "form": "in_room", "member_ids": members, "invitee_ids": []}
    return {
        "kind": str(meeting.kind),
        "title": meeting.title,
        "number": meeting.number,
        "starts_at": _local(meeting.starts_at, "%Y-%m-%dT%H:%M"),
        "ends_at": _local(meeting.ends_at, "%Y-%m-%dT%H:%M"),
        "place": meeting.place,
        "form": str(meeting.form),
        "chair_id": meeting.chair_id,
        "member_ids": [p.user_id for p in meeting.participants if p.role == ParticipantRole.MEMBER],
        "invitee_ids": [
            p.user_id for p in meeting.participants if p.role == ParticipantRole.INVITEE
        ],
    }


def _posted_values() -> dict[str, Any]:
    values = request.form.to_dict()
    for name in ("member_ids", "invitee_ids"):
        values[name] = [int(v) for v in request.form.getlist(name) if v.isdigit()]
    if values.get("chair_id", "").isdigit():
        values["chair_id"] = int(values["chair_id"])
    return values


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def create():
    """Create a meeting (a draft)."""
    if request.method == "GET":
        return _meeting_form(None, _meeting_values(None), {})
    try:
        data = load_or_raise(MeetingInputSchema(), request.form)
        meeting = services.create_meeting(data, actor=_user())
    except ValidationFailed as error:
        return _meeting_form(None, _posted_values(), _form_error(error), 422)
    db.session.commit()
    flash(_("Đã tạo phiên họp (dự thảo). Hãy thêm nội dung chương trình."), "success")
    return redirect(url_for(".manage", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def edit(meeting_id: int):
    """Edit a meeting's details and invitations."""
    meeting = _load_meeting(meeting_id)
    if request.method == "GET":
        return _meeting_form(meeting, _meeting_values(meeting), {})
    try:
        data = load_or_raise(MeetingInputSchema(), request.form)
        services.update_meeting(meeting, data, actor=_user())
    except ValidationFailed as error:
        return _meeting_form(meeting, _posted_values(), _form_error(error), 422)
    db.session.commit()
    flash(_("Đã lưu thay đổi."), "success")
    return redirect(url_for(".manage", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/manage")
@roles_required(Role.SECRETARIAT)
def manage(meeting_id: int):
    """The secretariat's page of a meeting: details, state and the agenda editor."""
    meeting = _load_meeting(meeting_id)
    return render_template(
        "meetings/manage.html",
        meeting=meeting,
        warning=services.papers_ahead_warning(meeting)
        if meeting.state == MeetingState.DRAFT
        else None,
        snapshot=services.meeting_state(meeting, _user()),
    )


@bp.route("/<int:meeting_id>/state", methods=["POST"])
@roles_required(Role.SECRETARIAT, Role.CHAIR)
def change_state(meeting_id: int):
    """Move a meeting through its states (publish warns about the papers-ahead rule)."""
    meeting = _load_meeting(meeting_id)
    user = _user()
    target = MeetingState(request.form.get("state", ""))
    chair_may = meeting.can_chair(user) and target in (
        MeetingState.IN_SESSION,
        MeetingState.CLOSED,
    )
    if not (meeting.can_manage(user) or chair_may):
        raise Forbidden()
    if target == MeetingState.PUBLISHED:
        warnings = services.publish_meeting(meeting, actor=user)
    else:
        services.change_state(meeting, target, actor=user)
        warnings = []
    db.session.commit()
    flash(_("Phiên họp chuyển sang trạng thái “%(state)s”.", state=STATE_LABELS[target]), "success")
    for warning in warnings:
        flash(warning, "warning")
    return redirect(request.form.get("next") or url_for(".manage", meeting_id=meeting.id))


# -- secretariat: agenda ------------------------------------------------------------------


def _item_form(meeting: Meeting, item: AgendaItem | None, values: dict, errors: dict, status=200):
    return (
        render_template(
            "meetings/item_form.html",
            meeting=meeting,
            item=item,
            values=values,
            errors=errors,
            kinds=list(ItemKind),
            **_people(),
        ),
        status,
    )


def _item_values(item: AgendaItem | None) -> dict[str, Any]:
    if item is None:
        return {"kind": "decision", "planned_minutes": 15, "invitee_ids": []}
    return {
        "title": item.title,
        "summary": item.summary,
        "kind": str(item.kind),
        "ministry": item.ministry,
        "presenter": item.presenter,
        "planned_minutes": item.planned_minutes,
        "restricted": item.restricted,
        "invitee_ids": [u.id for u in item.invitees],
    }


@bp.route("/<int:meeting_id>/items/new", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def item_create(meeting_id: int):
    """Add an item to the agenda."""
    meeting = _load_meeting(meeting_id)
    if request.method == "GET":
        return _item_form(meeting, None, _item_values(None), {})
    try:
        data = load_or_raise(AgendaItemInputSchema(), request.form)
        item = services.add_item(meeting, data, actor=_user())
    except ValidationFailed as error:
        return _item_form(meeting, None, _posted_values(), _form_error(error), 422)
    db.session.commit()
    flash(_("Đã thêm nội dung vào chương trình."), "success")
    return redirect(url_for(".item", item_id=item.id))


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def item_edit(item_id: int):
    """Edit an agenda item."""
    item = get_or_404(AgendaItem, item_id)
    if request.method == "GET":
        return _item_form(item.meeting, item, _item_values(item), {})
    try:
        data = load_or_raise(AgendaItemInputSchema(), request.form)
        services.update_item(item, data, actor=_user())
    except ValidationFailed as error:
        return _item_form(item.meeting, item, _posted_values(), _form_error(error), 422)
    db.session.commit()
    flash(_("Đã lưu nội dung."), "success")
    return redirect(url_for(".item", item_id=item.id))


@bp.route("/items/<int:item_id>/delete", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def item_delete(item_id: int):
    """Remove an item (and its papers) from the agenda."""
    item = get_or_404(AgendaItem, item_id)
    meeting_id = item.meeting_id
    services.remove_item(item, actor=_user())
    db.session.commit()
    flash(_("Đã xoá nội dung khỏi chương trình."), "success")
    return redirect(url_for(".manage", meeting_id=meeting_id))


@bp.route("/items/<int:item_id>/move", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def item_move(item_id: int):
    """Move an item one place up or down (the keyboard and no-script alternative to dragging)."""
    item = get_or_404(AgendaItem, item_id)
    meeting = item.meeting
    order = [i.id for i in meeting.items]
    index = order.index(item.id)
    step = -1 if request.form.get("direction") == "up" else 1
    if 0 <= index + step < len(order):
        order[index], order[index + step] = order[index + step], order[index]
        services.reorder_items(meeting, order, actor=_user())
        db.session.commit()
    return redirect(url_for(".manage", meeting_id=meeting.id, _anchor=f"item-{item.id}"))


# -- members: meeting and item pages ------------------------------------------------------


_ENDED = (MeetingState.CLOSED, MeetingState.ARCHIVED)


def _session_records(meeting: Meeting, user: User) -> dict[str, Any] | None:
    """An ended session's minutes and resolutions that `user` may open (added by records)."""
    if MeetingState(meeting.state) not in _ENDED:
        return None
    return hooks.meeting_page_parts.merged(meeting, user).get("records")


def _item_outcome(meeting: Meeting, item: AgendaItem, user: User) -> dict[str, Any] | None:
    """An ended session's votes on `item` and the chair's conclusion (added by voting, records)."""
    if MeetingState(meeting.state) not in _ENDED:
        return None
    parts = hooks.item_page_parts.merged(meeting, item, user)
    if not parts.get("votes") and not parts.get("conclusion") and not parts.get("decision"):
        return None
    return {"votes": [], "conclusion": "", "decision": "", "minutes": None, **parts}


@bp.route("/<int:meeting_id>")
@login_required_route
def detail(meeting_id: int):
    """The meeting page on a tablet: details and the agenda, kept current live."""
    meeting = _readable_meeting(meeting_id)
    user = _user()
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        snapshot=services.meeting_state(meeting, user),
        records=_session_records(meeting, user),
    )


@bp.route("/items/<int:item_id>")
@login_required_route
def item(item_id: int):
    """An agenda item with its papers."""
    item = get_or_404(AgendaItem, item_id)
    meeting = _readable_meeting(item.meeting_id)
    user = _user()
    if not item.can_read(user):
        raise Forbidden()
    snapshot = services.meeting_state(meeting, user)
    current = next(i for i in snapshot["items"] if i["id"] == item.id)
    return render_template(
        "meetings/item.html",
        meeting=meeting,
        item=item,
        snapshot=snapshot,
        current=current,
        people=_people() if meeting.can_manage(user) else None,
        outcome=_item_outcome(meeting, item, user),
        records=_session_records(meeting, user),
    )


# -- papers -------------------------------------------------------------------------------


@bp.route("/items/<int:item_id>/papers", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def paper_create(item_id: int):
    """Upload a new paper to an item."""
    item = get_or_404(AgendaItem, item_id)
    try:
        data = load_or_raise(PaperUploadSchema(), request.form)
        paper = services.add_paper(item, upload=request.files.get("file"), actor=_user(), **data)
    except ValidationFailed as error:
        fields = _form_error(error)
        for message in sum(fields.values(), []):
            flash(message, "error")
        return redirect(url_for(".item", item_id=item.id, _anchor="upload"))
    db.session.commit()
    version = paper.current_version
    flash(_("Đã tải lên tài liệu “%(title)s”.", title=paper.title), "success")
    if version is not None and not version.readable:
        flash(
            _(
                "Không chuyển được sang PDF (máy chủ chưa cài LibreOffice): "
                "tài liệu chỉ có bản tải về."
            ),
            "warning",
        )
    return redirect(url_for(".item", item_id=item.id, _anchor=f"paper-{paper.id}"))


@bp.route("/papers/<int:paper_id>/versions", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def paper_version_create(paper_id: int):
    """Upload a new version of a paper."""
    paper = get_or_404(Paper, paper_id)
    try:
        version = services.add_version(paper, request.files.get("file"), actor=_user())
    except ValidationFailed as error:
        for message in sum(_form_error(error).values(), []):
            flash(message, "error")
        return redirect(url_for(".item", item_id=paper.item_id, _anchor=f"paper-{paper.id}"))
    db.session.commit()
    flash(_("Đã tải lên phiên bản %(n)s.", n=version.number), "success")
    return redirect(url_for(".item", item_id=paper.item_id, _anchor=f"paper-{paper.id}"))


@bp.route("/papers/<int:paper_id>/classification", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def paper_classify(paper_id: int):
    """Change a paper's classification and readers."""
    paper = get_or_404(Paper, paper_id)
    try:
        data = load_or_raise(PaperClassificationSchema(), request.form)
        services.set_classification(
            paper, data["classification"], data["reader_ids"], actor=_user()
        )
    except ValidationFailed as error:
        for message in sum(_form_error(error).values(), []):
            flash(message, "error")
        return redirect(url_for(".item", item_id=paper.item_id, _anchor=f"paper-{paper.id}"))
    db.session.commit()
    flash(_("Đã cập nhật độ mật và người được đọc."), "success")
    return redirect(url_for(".item", item_id=paper.item_id, _anchor=f"paper-{paper.id}"))


@bp.route("/papers/<int:paper_id>/withdraw", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def paper_withdraw(paper_id: int):
    """Withdraw a paper: it stops being served everywhere at once."""
    paper = get_or_404(Paper, paper_id)
    services.withdraw_paper(paper, actor=_user(), reason=request.form.get("reason", "")[:500])
    db.session.commit()
    flash(_("Đã rút tài liệu “%(title)s”.", title=paper.title), "success")
    return redirect(url_for(".item", item_id=paper.item_id, _anchor=f"paper-{paper.id}"))


@bp.route("/papers/<int:paper_id>/file")
@login_required_route
def paper_file(paper_id: int):
    """The paper's file: the reading PDF (watermarked when classified) or the original."""
    paper = get_or_404(Paper, paper_id)
    response = paper_response(
        paper,
        _user(),
        version_number=request.args.get("v", type=int),
        original=request.args.get("original") == "1",
        as_attachment=request.args.get("download") == "1",
    )
    # The read is recorded (and audited for classified papers) in the same commit.
    db.session.commit()
    return response
