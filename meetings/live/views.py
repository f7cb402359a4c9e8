"""Live-session pages: the member's tablet, the chair's console, the attendance board; the
meeting page's suspend and resume buttons."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from cabinet.db import db
from cabinet.errors import DomainError
from cabinet.permissions import login_required_route, roles_required
from cabinet.users import current_person
from cabinet.users.models import Role
from meetings.live import session
from meetings.live.attendance import attendance_board
from meetings.loaders import load_meeting

bp = Blueprint("live", __name__, url_prefix="/meetings")


@bp.route("/<int:meeting_id>/live")
@login_required_route
def tablet(meeting_id: int):
    """The live session on a tablet: current item, speaking, votes."""
    meeting = load_meeting(meeting_id, need="read")
    return render_template("live/tablet.html", meeting=meeting)


@bp.route("/<int:meeting_id>/live/console")
@roles_required(Role.CHAIR, Role.SECRETARIAT)
def console(meeting_id: int):
    """The chair's console: move items, give the floor, open and close votes."""
    meeting = load_meeting(meeting_id, need="conduct")
    return render_template("live/console.html", meeting=meeting)


@bp.route("/<int:meeting_id>/live/attendance")
@roles_required(Role.SECRETARIAT)
def attendance(meeting_id: int):
    """The secretariat's attendance board: mark, record leave and deputies."""
    meeting = load_meeting(meeting_id, need="manage")
    return render_template("live/attendance.html", meeting=meeting, board=attendance_board(meeting))


def _session_move(meeting_id: int, move: Callable[..., None], done: str):
    """Suspend or resume from the meeting page; a refusal (an open vote) is said there."""
    meeting = load_meeting(meeting_id, need="conduct")
    try:
        move(meeting)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(done, "success")
    page = "meetings.manage" if meeting.can_manage(current_person()) else "meetings.detail"
    return redirect(url_for(page, meeting_id=meeting_id))


@bp.route("/<int:meeting_id>/live/suspend", methods=["POST"])
@roles_required(Role.CHAIR, Role.SECRETARIAT)
def suspend(meeting_id: int):
    """Suspend the open session (the console does it too, with a reason)."""
    reason = (request.form.get("reason") or "")[:300]
    return _session_move(
        meeting_id,
        lambda m: session.suspend_session(m, current_person(), reason),
        _("Đã tạm dừng phiên họp."),
    )


@bp.route("/<int:meeting_id>/live/resume", methods=["POST"])
@roles_required(Role.CHAIR, Role.SECRETARIAT)
def resume(meeting_id: int):
    """Resume the suspended session."""
    return _session_move(
        meeting_id,
        lambda m: session.resume_session(m, current_person()),
        _("Đã tiếp tục phiên họp."),
    )
