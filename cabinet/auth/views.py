"""Sign-in, sign-out, password change and the language switch."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from cabinet.audit import record
from cabinet.auth import throttle
from cabinet.auth.devices import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_DAYS,
    issue_device_cookie,
    known_device,
)
from cabinet.auth.sessions import SESSION_KEY, open_session, revoke_session
from cabinet.auth.throttle import ThrottleState
from cabinet.config import Settings, settings
from cabinet.db import run_unit_of_work, utcnow
from cabinet.errors import ValidationFailed
from cabinet.i18n import LOCALES
from cabinet.permissions import login_required_route, public_route
from cabinet.realtime import revoke_session_sockets
from cabinet.users import current_person
from cabinet.users.models import User
from cabinet.users.services import (
    change_password,
    check_password,
    end_other_sessions,
    find_user_by_email,
    sign_out_everywhere,
)

bp = Blueprint("auth", __name__)
T = TypeVar("T")


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
    device = known_device(request.cookies.get(DEVICE_COOKIE), email) if email else None
    state = throttle.state_for(email, request.remote_addr, config, device=device)
    if state.locked:
        _commit_evidence(
            lambda: record(
                "auth.login_refused", data={"email": email, "reason": "locked"}, actor=None
            )
        )
        return _locked(email, next_url, state.minutes_left(utcnow()))
    if state.delay_seconds:
        time.sleep(state.delay_seconds)

    user = find_user_by_email(email) if email else None
    if not email or not password or not check_password(user, password):
        after = _commit_evidence(lambda: _count_failure(email, user, config, device))
        if after.locked:
            return _locked(email, next_url, after.minutes_left(utcnow()))
        left = config.login_max_failures - after.failures
        message = _("E-mail hoặc mật khẩu không đúng.")
        if 0 < left <= 2:
            message += " " + _("Còn %(n)s lần thử trước khi tài khoản bị tạm khóa.", n=left)
        return render_template("auth/login.html", error=message, email=email, next=next_url), 401
    if not user.active:
        _commit_evidence(
            lambda: record("auth.login_refused", user, data={"reason": "inactive"}, actor=None)
        )
        message = _("Tài khoản này đã bị vô hiệu hóa. Vui lòng liên hệ quản trị hệ thống.")
        return render_template("auth/login.html", error=message, email=email, next=next_url), 403

    throttle.clear_account(email, device=device)
    _start_session(user)
    record("auth.login", user, actor=user)
    response = redirect(next_url or url_for("core.index"))
    response.set_cookie(
        DEVICE_COOKIE,
        issue_device_cookie(email),
        max_age=DEVICE_COOKIE_DAYS * 86400,
        path=url_for("auth.login"),
        secure=config.secure_cookies,
        httponly=True,
        samesite="Lax",
    )
    return response


def _start_session(user: User) -> None:
    """A fresh session: nothing planted before sign-in (a CSRF token) survives into it."""
    locale = session.get("locale")
    session.clear()  # the CSRF token is made anew for the signed-in session
    g.pop("csrf_token", None)
    if locale:
        session["locale"] = locale
    opened = open_session(user.id, ip=request.remote_addr, user_agent=request.user_agent.string)
    session[SESSION_KEY] = opened.key
    login_user(user)
    session.permanent = True


def _commit_evidence(work: Callable[[], T]) -> T:
    """Commit the evidence of a refused sign-in at once, in its own unit of work.

    The page then answers 401, 403 or 429, and the route's unit of work rolls back on an error
    status: the failure the throttle must count, and the audit entry of the refusal, would be
    lost with it. The view has only read before this point, so nothing else commits with them.
    """
    return run_unit_of_work(work)


def _count_failure(
    email: str, user: User | None, config: Settings, device: str | None
) -> ThrottleState:
    """Count and audit a failed attempt; audit the lock it may start. Returns the new state."""
    throttle.note_failure(email, request.remote_addr, device=device)
    record(
        "auth.login_failed", user, data={"email": email, "known_device": bool(device)}, actor=None
    )
    after = throttle.state_for(email, request.remote_addr, config, device=device)
    if after.locked:
        record("auth.locked", user, data={"email": email, "failures": after.failures}, actor=None)
    return after


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
    record("auth.logout", current_person())
    key = session.get(SESSION_KEY)
    if key:
        revoke_session(key)  # a copy of the cookie stops working too
        revoke_session_sockets(key)
    return _signed_out()


@bp.route("/sign-out-everywhere", methods=["POST"])
@login_required_route
def logout_everywhere():
    """Sign out on every browser and tablet: all sessions and open sockets end at once."""
    sign_out_everywhere(current_person())
    return _signed_out()


def _signed_out():
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
            person = current_person()
            try:
                change_password(person, request.form.get("current_password") or "", new)
            except ValidationFailed as error:
                errors = error.fields  # nothing was changed; the 422 answer rolls back anyway
            else:
                end_other_sessions(person, keep=session.get(SESSION_KEY))
                login_user(person)  # keep this session after the token rotation
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
        current_person().locale = locale
        with force_locale(locale):  # said in the language just chosen
            flash(
                _(
                    "Đã lưu ngôn ngữ vào tài khoản: mọi thiết bị anh/chị đăng nhập sẽ dùng ngôn ngữ này."
                ),
                "info",
            )
    return redirect(_safe_next(request.form.get("next")) or url_for("core.index"))
