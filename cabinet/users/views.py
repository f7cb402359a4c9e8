"""The admin pages: people, roles, activation, cabinet seats."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from cabinet.db import db, get_or_404
from cabinet.errors import DomainError, ValidationFailed
from cabinet.permissions import roles_required
from cabinet.users import current_person
from cabinet.users.models import CabinetSeat, Role, User
from cabinet.users.services import create_user, set_user_active, set_user_roles

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _roles_from_form() -> set[Role]:
    chosen = set(request.form.getlist("roles"))
    return {role for role in Role if role.value in chosen}


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    """Everyone with an account, their roles and whether they may sign in."""
    people = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    seats = {seat.member_id: seat for seat in db.session.scalars(select(CabinetSeat))}
    return render_template("admin/users.html", people=people, seats=seats, roles=list(Role))


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():
    """Create an account with its roles."""
    form = request.form
    errors: dict = {}
    if request.method == "POST":
        fields_missing = {
            name: [_("Trường này là bắt buộc.")]
            for name in ("name", "email", "password")
            if not form.get(name, "").strip()
        }
        if fields_missing:
            errors = fields_missing
        else:
            try:
                user = create_user(
                    name=form["name"],
                    email=form["email"],
                    password=form["password"],
                    title=form.get("title", ""),
                    ministry=form.get("ministry", ""),
                    locale=form.get("locale", "vi") if form.get("locale") in ("vi", "en") else "vi",
                    roles=_roles_from_form(),
                    actor=current_person(),
                )
            except DomainError as error:  # refused before anything was added; 422 rolls back
                errors = error.details.get("fields") or {"_": [str(error.message)]}
            else:
                flash(_("Đã tạo tài khoản cho %(name)s.", name=user.name), "success")
                return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html", form=form, errors=errors, roles=list(Role)
    ), 422 if errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    """Change a person's roles or activation."""
    user = get_or_404(User, user_id)
    if request.method == "POST":
        actor = current_person()
        roles = _roles_from_form()
        if user.id == actor.id and Role.ADMIN not in roles:
            raise ValidationFailed(_("Bạn không thể tự bỏ quyền quản trị của chính mình."))
        set_user_roles(user, roles, actor=actor)
        active = request.form.get("active") == "1"
        if user.id == actor.id and not active:
            raise ValidationFailed(_("Bạn không thể tự vô hiệu hóa tài khoản của chính mình."))
        set_user_active(user, active, actor=actor)
        flash(_("Đã cập nhật tài khoản %(name)s.", name=user.name), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", user=user, roles=list(Role))
