"""The item page's motion forms (the secretariat prepares; the chair amends in session).

Each view: load and check access, validate, call one service, redirect back to the item's
motions with a flash; the route wrapper commits (a refusal is flashed, nothing is kept).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from cabinet.errors import DomainError
from cabinet.permissions import roles_required
from cabinet.schemas import load_or_raise
from cabinet.users import current_person
from cabinet.users.models import Role
from meetings.loaders import load_item
from meetings.motions import services
from meetings.motions.access import check_write, load_motion, load_parent
from meetings.motions.schemas import MotionEditSchema, MotionInputSchema

bp = Blueprint("motions", __name__, url_prefix="/meetings")


def _back(item_id: int):
    return redirect(url_for("meetings.item", item_id=item_id) + "#motions", code=303)


def _refused(error: DomainError, item_id: int):
    fields = error.details.get("fields") or {}
    messages = [m for ms in fields.values() for m in ms] or [str(error)]
    for message in messages:
        flash(f"{_('Chưa lưu được dự thảo kết luận')}: {message}", "error")
    # Every refusal comes before a change is made: nothing to roll back.
    return _back(item_id)


@bp.route("/items/<int:item_id>/motions", methods=["POST"])
@roles_required(Role.SECRETARIAT, Role.CHAIR)
def motion_create(item_id: int):
    """Attach a motion (or, with `parent_id`, an amendment) from the item page."""
    item = load_item(item_id, need="read")
    form = {"text": request.form.get("text", "")}
    if request.form.get("parent_id"):
        form["parent_id"] = request.form.get("parent_id", type=int)
    try:
        data = load_or_raise(MotionInputSchema(), form)
        check_write(item, amendment=data["parent_id"] is not None)
        parent = load_parent(item, data["parent_id"])
        motion = services.add_motion(item, current_person(), text=data["text"], parent=parent)
    except DomainError as error:
        if error.code in ("forbidden", "not_found"):
            raise
        return _refused(error, item.id)
    flash(_("Đã thêm %(label)s.", label=motion.label), "success")
    return _back(item.id)


@bp.route("/motions/<int:motion_id>/edit", methods=["POST"])
@roles_required(Role.SECRETARIAT, Role.CHAIR)
def motion_edit(motion_id: int):
    """Reword a motion nobody has voted on."""
    motion = load_motion(motion_id, need="write")
    try:
        data = load_or_raise(MotionEditSchema(), {"text": request.form.get("text", "")})
        services.update_motion(motion, current_person(), text=data["text"])
    except DomainError as error:
        return _refused(error, motion.item_id)
    flash(_("Đã lưu %(label)s.", label=motion.label), "success")
    return _back(motion.item_id)


@bp.route("/motions/<int:motion_id>/delete", methods=["POST"])
@roles_required(Role.SECRETARIAT, Role.CHAIR)
def motion_delete(motion_id: int):
    """Take back a motion nobody has voted on."""
    motion = load_motion(motion_id, need="write")
    item_id, label = motion.item_id, motion.label
    try:
        services.remove_motion(motion, current_person())
    except DomainError as error:
        return _refused(error, item_id)
    flash(_("Đã xóa %(label)s.", label=label), "success")
    return _back(item_id)
