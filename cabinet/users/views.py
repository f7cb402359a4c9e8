"""The admin pages: people, roles, activation, cabinet seats."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from cabinet.db import db, get_or_404
from cabinet.errors import DomainError, Forbidden, ValidationFailed
from cabinet.permissions import roles_required
from cabinet.users import current_person
from cabinet.users.grants import cancel_grant, confirm_grant, pending_grants
from cabinet.users.models import CabinetSeat, Role, RoleGrant, User
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
    return render_template(
        "admin/users.html",
        people=people,
        seats=seats,
        roles=list(Role),
        grants=pending_grants(),
        me=current_person(),
    )


@bp.route("/grants/<int:grant_id>/confirm", methods=["POST"])
@roles_required(Role.ADMIN)
def confirm_role_grant(grant_id: int):
    """A second admin confirms a content-reading role another admin asked for."""
    grant = get_or_404(RoleGrant, grant_id)
    actor = current_person()
    if not grant.may_be_decided_by(actor):
        raise Forbidden(
            _("Quyền này cần một quản trị viên khác (không phải người đề nghị) xác nhận.")
        )
    confirm_grant(grant, actor=actor)
    flash(
        _("Đã xác nhận quyền %(role)s cho %(name)s.", role=grant.role.label, name=grant.user.name),
        "success",
    )
    return redirect(url_for("admin.users"))


@bp.route("/grants/<int:grant_id>/cancel", methods=["POST"])
@roles_required(Role.ADMIN)
def cancel_role_grant(grant_id: int):
    """Withdraw or refuse a waiting role grant."""
    grant = get_or_404(RoleGrant, grant_id)
    cancel_grant(grant, actor=current_person())
    flash(_("Đã hủy đề nghị cấp quyền."), "info")
    return redirect(url_for("admin.users"))


def _flash_waiting(waiting) -> None:
    if waiting:
        flash(
            _(
                "Các vai trò %(roles)s chờ một quản trị viên khác xác nhận.",
                roles=", ".join(str(grant.role.label) for grant in waiting),
            ),
            "info",
        )


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
                _flash_waiting(pending_grants(user))
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
        waiting = set_user_roles(user, roles, actor=actor)
        active = request.form.get("active") == "1"
        if user.id == actor.id and not active:
            raise ValidationFailed(_("Bạn không thể tự vô hiệu hóa tài khoản của chính mình."))
        set_user_active(user, active, actor=actor)
        flash(_("Đã cập nhật tài khoản %(name)s.", name=user.name), "success")
        _flash_waiting(waiting)
        return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", user=user, roles=list(Role))
