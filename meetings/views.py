"""HTML pages: the secretariat's meeting and agenda editor, the members' tablet pages.

Every view: load and check access (`meetings.loaders`), validate, call one service, render or
redirect; the route wrapper commits (or rolls back on an error status).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from cabinet.errors import ValidationFailed
from cabinet.permissions import login_required_route, roles_required
from cabinet.schemas import load_or_raise
from cabinet.users import current_person
from cabinet.users.models import Role, User
from meetings import hooks, services, templating
from meetings.forms import (
    form_errors,
    item_form,
    item_values,
    meeting_form,
    meeting_values,
    people_choices,
    posted_values,
)
from meetings.loaders import check_meeting, load_item, load_meeting, load_paper
from meetings.models import STATE_LABELS, AgendaItem, Meeting, MeetingState
from meetings.papers import paper_response
from meetings.schemas import (
    AgendaItemInputSchema,
    MeetingInputSchema,
    PaperClassificationSchema,
    PaperUploadSchema,
)

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
bp.add_app_template_filter(templating.local_dt, "local_dt")
bp.add_app_template_filter(templating.filesize, "filesize")
bp.context_processor(templating.labels)

_ENDED = (MeetingState.CLOSED, MeetingState.ARCHIVED)


def _flash_refusal(error: ValidationFailed) -> None:
    for message in sum(form_errors(error).values(), []):
        flash(message, "error")


# -- My meetings (members' home) ----------------------------------------------------------


@bp.route("/my")
@login_required_route
def my_meetings():
    """A person's meetings: in session, upcoming, past."""
    groups = services.my_meetings(current_person())
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


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def create():
    """Create a meeting (a draft)."""
    if request.method == "GET":
        return meeting_form(None, meeting_values(None), {})
    try:
        data = load_or_raise(MeetingInputSchema(), request.form)
        meeting = services.create_meeting(data, actor=current_person())
    except ValidationFailed as error:
        return meeting_form(None, posted_values(), form_errors(error), 422)
    flash(_("Đã tạo phiên họp (dự thảo). Hãy thêm nội dung chương trình."), "success")
    return redirect(url_for(".manage", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def edit(meeting_id: int):
    """Edit a meeting's details and invitations."""
    meeting = load_meeting(meeting_id, need="manage", agenda=True)
    if request.method == "GET":
        return meeting_form(meeting, meeting_values(meeting), {})
    try:
        data = load_or_raise(MeetingInputSchema(), request.form)
        services.update_meeting(meeting, data, actor=current_person())
    except ValidationFailed as error:
        return meeting_form(meeting, posted_values(), form_errors(error), 422)
    flash(_("Đã lưu thay đổi."), "success")
    return redirect(url_for(".manage", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/manage")
@roles_required(Role.SECRETARIAT)
def manage(meeting_id: int):
    """The secretariat's page of a meeting: details, state and the agenda editor."""
    meeting = load_meeting(meeting_id, need="manage", agenda=True)
    draft = meeting.state == MeetingState.DRAFT
    return render_template(
        "meetings/manage.html",
        meeting=meeting,
        warning=services.papers_ahead_warning(meeting) if draft else None,
        confirms=_state_confirms(meeting),
        # Opening a session planned for another day says so under the question.
        opening_warning=services.opening_day_warning(meeting),
        snapshot=services.meeting_state(meeting, current_person()),
    )


def _state_confirms(meeting: Meeting) -> dict[MeetingState, str]:
    """What the manage page's state buttons ask first."""
    opening = _(
        "Khai mạc phiên họp bây giờ? Thành viên sẽ được điểm danh và thảo luận từ mục 1; "
        "không thể quay lại trạng thái chưa khai mạc."
    )
    return {
        MeetingState.PUBLISHED: _("Công bố chương trình và tài liệu tới các thành viên được mời?"),
        MeetingState.IN_SESSION: opening,
        MeetingState.CLOSED: _(
            "Bế mạc phiên họp? Sau khi bế mạc không thể phát biểu, điểm danh hay biểu quyết "
            "nữa; biên bản được lập từ phiên họp."
        ),
    }


@bp.route("/<int:meeting_id>/state", methods=["POST"])
@roles_required(Role.SECRETARIAT, Role.CHAIR)
def change_state(meeting_id: int):
    """Move a meeting through its states (publish warns about the papers-ahead rule)."""
    meeting = load_meeting(meeting_id, need="exists", agenda=True)
    target = MeetingState(request.form.get("state", ""))
    check_meeting(meeting, "conduct" if target in services.CHAIR_MOVES else "manage")
    warnings = services.move_meeting(meeting, target, actor=current_person())
    flash(_("Phiên họp chuyển sang trạng thái “%(state)s”.", state=STATE_LABELS[target]), "success")
    for warning in warnings:
        flash(warning, "warning")
    return redirect(request.form.get("next") or url_for(".manage", meeting_id=meeting.id))


# -- secretariat: agenda ------------------------------------------------------------------


@bp.route("/<int:meeting_id>/items/new", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def item_create(meeting_id: int):
    """Add an item to the agenda."""
    meeting = load_meeting(meeting_id, need="manage", agenda=True)
    if request.method == "GET":
        return item_form(meeting, None, item_values(None), {})
    try:
        data = load_or_raise(AgendaItemInputSchema(), request.form)
        item = services.add_item(meeting, data, actor=current_person())
    except ValidationFailed as error:
        return item_form(meeting, None, posted_values(), form_errors(error), 422)
    flash(_("Đã thêm nội dung vào chương trình."), "success")
    return redirect(url_for(".item", item_id=item.id))


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def item_edit(item_id: int):
    """Edit an agenda item."""
    item = load_item(item_id, need="manage")
    if request.method == "GET":
        return item_form(item.meeting, item, item_values(item), {})
    try:
        data = load_or_raise(AgendaItemInputSchema(), request.form)
        services.update_item(item, data, actor=current_person())
    except ValidationFailed as error:
        return item_form(item.meeting, item, posted_values(), form_errors(error), 422)
    flash(_("Đã lưu nội dung."), "success")
    return redirect(url_for(".item", item_id=item.id))


@bp.route("/items/<int:item_id>/delete", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def item_delete(item_id: int):
    """Remove an item (and its papers) from the agenda."""
    item = load_item(item_id, need="manage")
    meeting_id = item.meeting_id
    services.remove_item(item, actor=current_person())
    flash(_("Đã xoá nội dung khỏi chương trình."), "success")
    return redirect(url_for(".manage", meeting_id=meeting_id))


@bp.route("/items/<int:item_id>/move", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def item_move(item_id: int):
    """Move an item one place up or down (the keyboard and no-script alternative to dragging)."""
    item = load_item(item_id, need="manage")
    services.move_item(item, request.form.get("direction", ""), actor=current_person())
    return redirect(url_for(".manage", meeting_id=item.meeting_id, _anchor=f"item-{item.id}"))


# -- members: meeting and item pages ------------------------------------------------------


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
    meeting = load_meeting(meeting_id, need="read", agenda=True)
    user = current_person()
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
    item = load_item(item_id, need="read")
    meeting = load_meeting(item.meeting_id, need="exists", agenda=True)
    user = current_person()
    snapshot = services.meeting_state(meeting, user)
    current = next(i for i in snapshot["items"] if i["id"] == item.id)
    return render_template(
        "meetings/item.html",
        meeting=meeting,
        item=item,
        snapshot=snapshot,
        current=current,
        people=people_choices() if meeting.can_manage(user) else None,
        outcome=_item_outcome(meeting, item, user),
        records=_session_records(meeting, user),
    )


# -- papers -------------------------------------------------------------------------------


@bp.route("/items/<int:item_id>/papers", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def paper_create(item_id: int):
    """Upload a new paper to an item."""
    item = load_item(item_id, need="manage")
    try:
        data = load_or_raise(PaperUploadSchema(), request.form)
        paper = services.add_paper(
            item, upload=request.files.get("file"), actor=current_person(), **data
        )
    except ValidationFailed as error:
        _flash_refusal(error)
        return redirect(url_for(".item", item_id=item.id, _anchor="upload"))
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


def _back_to_paper(paper_id: int, item_id: int) -> Any:
    return redirect(url_for(".item", item_id=item_id, _anchor=f"paper-{paper_id}"))


@bp.route("/papers/<int:paper_id>/versions", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def paper_version_create(paper_id: int):
    """Upload a new version of a paper."""
    paper = load_paper(paper_id, need="manage")
    item_id = paper.item_id
    try:
        version = services.add_version(paper, request.files.get("file"), actor=current_person())
    except ValidationFailed as error:
        _flash_refusal(error)
        return _back_to_paper(paper_id, item_id)
    flash(_("Đã tải lên phiên bản %(n)s.", n=version.number), "success")
    return _back_to_paper(paper_id, item_id)


@bp.route("/papers/<int:paper_id>/classification", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def paper_classify(paper_id: int):
    """Change a paper's classification and readers."""
    paper = load_paper(paper_id, need="manage")
    item_id = paper.item_id
    try:
        data = load_or_raise(PaperClassificationSchema(), request.form)
        services.set_classification(
            paper, data["classification"], data["reader_ids"], actor=current_person()
        )
    except ValidationFailed as error:
        _flash_refusal(error)
        return _back_to_paper(paper_id, item_id)
    flash(_("Đã cập nhật độ mật và người được đọc."), "success")
    return _back_to_paper(paper_id, item_id)


@bp.route("/papers/<int:paper_id>/withdraw", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def paper_withdraw(paper_id: int):
    """Withdraw a paper: it stops being served everywhere at once."""
    paper = load_paper(paper_id, need="manage")
    reason = request.form.get("reason", "")[:500]
    services.withdraw_paper(paper, actor=current_person(), reason=reason)
    flash(_("Đã rút tài liệu “%(title)s”.", title=paper.title), "success")
    return _back_to_paper(paper.id, paper.item_id)


@bp.route("/papers/<int:paper_id>/file")
@login_required_route
def paper_file(paper_id: int):
    """The paper's file: the reading PDF (watermarked when classified) or the original.

    The read is recorded (and audited for classified papers) in the request's commit.
    """
    return paper_response(
        load_paper(paper_id, need="read"),
        current_person(),
        version_number=request.args.get("v", type=int),
        original=request.args.get("original") == "1",
        as_attachment=request.args.get("download") == "1",
    )
