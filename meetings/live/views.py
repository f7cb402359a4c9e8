"""Live-session pages: the member's tablet, the chair's console, the attendance board."""

from __future__ import annotations

from flask import Blueprint, render_template

from cabinet.permissions import login_required_route, roles_required
from cabinet.users.models import Role
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
