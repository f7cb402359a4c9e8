"""Live-session pages: the member's tablet, the chair's console, the attendance board."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from cabinet.db import get_or_404
from cabinet.errors import Forbidden
from cabinet.permissions import login_required_route, roles_required
from cabinet.users.models import Role
from meetings.live import services
from meetings.models import Meeting

bp = Blueprint("live", __name__, url_prefix="/meetings")


def _meeting(meeting_id: int) -> Meeting:
    meeting = get_or_404(Meeting, meeting_id)
    if not meeting.can_read(current_user._get_current_object()):
        raise Forbidden()
    return meeting


@bp.route("/<int:meeting_id>/live")
@login_required_route
def tablet(meeting_id: int):
    """The live session on a tablet: current item, speaking, votes."""
    meeting = _meeting(meeting_id)
    return render_template("live/tablet.html", meeting=meeting)


@bp.route("/<int:meeting_id>/live/console")
@roles_required(Role.CHAIR, Role.SECRETARIAT)
def console(meeting_id: int):
    """The chair's console: move items, give the floor, open and close votes."""
    meeting = _meeting(meeting_id)
    if not services.can_conduct(meeting, current_user._get_current_object()):
        raise Forbidden()
    return render_template("live/console.html", meeting=meeting)


@bp.route("/<int:meeting_id>/live/attendance")
@roles_required(Role.SECRETARIAT)
def attendance(meeting_id: int):
    """The secretariat's attendance board: mark, record leave and deputies."""
    meeting = _meeting(meeting_id)
    return render_template(
        "live/attendance.html", meeting=meeting, board=services.attendance_board(meeting)
    )
