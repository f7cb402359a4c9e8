"""The room screen page (opened with a display token, no sign-in) and the secretariat's page
that creates and revokes display tokens for a meeting."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from cabinet.permissions import public_route, roles_required
from cabinet.users import current_person
from cabinet.users.models import Role
from meetings.loaders import load_meeting
from voting.display import services
from voting.display.state import display_state

bp = Blueprint("display", __name__)


@bp.route("/display/<token>")
@public_route
def room(token: str):
    """The room screen of the token's meeting (`?lang=en` for English); 404 once revoked."""
    row = services.active_token(token)
    if row is None:
        abort(404)
    lang = request.args.get("lang", "vi")
    with force_locale("en" if lang == "en" else "vi"):
        return render_template(
            "display/room.html",
            token=token,
            lang="en" if lang == "en" else "vi",
            state=display_state(row.meeting),
        )


@bp.route("/meetings/<int:meeting_id>/displays", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def manage(meeting_id: int):
    """The meeting's room screens: create a token (its address is shown once), revoke one."""
    meeting = load_meeting(meeting_id, need="manage")
    new_url = None
    if request.method == "POST":
        _row, token = services.create_token(
            meeting, current_person(), label=request.form.get("label", "")
        )
        new_url = url_for("display.room", token=token, _external=True)
    return render_template(
        "display/manage.html",
        meeting=meeting,
        tokens=services.tokens_of(meeting),
        new_url=new_url,
    )


@bp.route("/meetings/<int:meeting_id>/displays/<int:token_id>/revoke", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def revoke(meeting_id: int, token_id: int):
    """Revoke a display token: its screens go dark within a second."""
    meeting = load_meeting(meeting_id, need="manage")
    services.revoke_token(services.load_token(meeting, token_id), current_person())
    flash(_("Đã thu hồi địa chỉ màn hình; màn hình đó đã ngừng hiển thị."), "success")
    return redirect(url_for("display.manage", meeting_id=meeting.id), code=303)
