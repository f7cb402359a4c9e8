"""Sign-in, sign-out, password change and the language switch."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from cabinet.audit import record
from cabinet.auth import throttle
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.errors import ValidationFailed
from cabinet.i18n import LOCALES
from cabinet.permissions import login_required_route, public_route
from cabinet.users.services import change_password, check_password, find_user_by_email

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths; anything else could send the person elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
@public_route
def login():
    """Sign in with e-mail and password; failures are throttled and audited."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("core.index"))
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/login.html", next=next_url, email="")

    email = (request.form.get("email") or "").strip()
    password = request.form.get("password") or ""
    config = settings()
    state = throttle.state_for(email, request.remote_addr, config)
    if state.locked:
        record("auth.login_refused", data={"email": email, "reason": "locked"}, actor=None)
        db.session.commit()
        return _locked(email, next_url, state.minutes_left(utcnow()))
    if state.delay_seconds:
        time.sleep(state.delay_seconds)

    user = find_user_by_email(email) if email else None
    if not email or not password or not check_password(user, password):
        throttle.note_failure(email, request.remote_addr)
        record("auth.login_failed", user, data={"email": email}, actor=None)
        db.session.commit()
        after = throttle.state_for(email, request.remote_addr, config)
        if after.locked:
            record(
                "auth.locked", user, data={"email": email, "failures": after.failures}, actor=None
            )
            db.session.commit()
            return _locked(email, next_url, after.minutes_left(utcnow()))
        left = config.login_max_failures - after.failures
        message = _("E-mail hoặc mật khẩu không đúng.")
        if 0 < left <= 2:
            message += " " + _("Còn %(n)s lần thử trước khi tài khoản bị tạm khóa.", n=left)
        return render_template("auth/login.html", error=message, email=email, next=next_url), 401
    if not user.active:
        record("auth.login_refused", user, data={"reason": "inactive"}, actor=None)
        db.session.commit()
        message = _("Tài khoản này đã bị vô hiệu hóa. Vui lòng liên hệ quản trị hệ thống.")
        return render_template("auth/login.html", error=message, email=email, next=next_url), 403

    throttle.clear_account(email)
    login_user(user)
    session.permanent = True
    record("auth.login", user, actor=user)
    db.session.commit()
    return redirect(next_url or url_for("core.index"))


def _locked(email: str, next_url: str | None, minutes: int):
    message = _(
        "Đăng nhập sai quá nhiều lần. Tài khoản tạm khóa, vui lòng thử lại sau %(m)s phút.",
        m=minutes,
    )
    return render_template(
        "auth/login.html", error=message, email=email, next=next_url, locked=True
    ), 429


@bp.route("/sign-out", methods=["POST"])
@login_required_route
def logout():
    """Sign out (the page then clears the offline cache of papers)."""
    record("auth.logout", current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    response = make_response(render_template("auth/signed_out.html"))
    # Papers cached for offline reading must not outlive the session on a shared tablet.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required_route
def password():
    """Change one's own password."""
    errors: dict = {}
    if request.method == "POST":
        new = request.form.get("password") or ""
        if new != (request.form.get("password_confirm") or ""):
            errors = {"password_confirm": [_("Hai mật khẩu mới không khớp nhau.")]}
        else:
            try:
                change_password(
                    current_user._get_current_object(),
                    request.form.get("current_password") or "",
                    new,
                )
            except ValidationFailed as error:
                db.session.rollback()
                errors = error.fields
            else:
                db.session.commit()
                login_user(current_user._get_current_object())  # keep this session after rotation
                flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã được đăng xuất."), "success")
                return redirect(url_for("core.index"))
    return render_template("auth/password.html", errors=errors), 422 if errors else 200


@bp.route("/locale", methods=["POST"])
@public_route
def set_locale():
    """Switch the interface language (vi / en)."""
    locale = request.form.get("locale", "vi")
    if locale not in LOCALES:
        locale = "vi"
    session["locale"] = locale
    if current_user.is_authenticated:
        current_user.locale = locale
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("core.index"))
