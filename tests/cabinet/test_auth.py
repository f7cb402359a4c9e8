"""Signing in and out: throttling, audit, sessions that end when they must, CSRF, cookies."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from cabinet.audit.models import AuditEntry
from cabinet.auth import throttle
from cabinet.auth.models import LoginFailure, SessionRecord
from cabinet.auth.sessions import SESSION_KEY, open_session
from cabinet.config import settings
from cabinet.db import utcnow
from cabinet.users.models import Role
from cabinet.users.services import set_user_active
from tests.conftest import PASSWORD, statements


def _actions(db):
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]


def _sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/sign-in", data={"email": email, "password": password, **extra})


def test_sign_in_page_is_vietnamese_first(client, db):
    page = client.get("/sign-in")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'lang="vi"' in body
    assert "Đăng nhập" in body and "Mật khẩu" in body


def test_english_switch(client, db):
    client.post("/locale", data={"locale": "en", "next": "/sign-in"})
    body = client.get("/sign-in").get_data(as_text=True)
    assert 'lang="en"' in body and "Sign in" in body


def test_sign_in_sets_a_safe_cookie_and_is_audited(client, db, make_user):
    user = make_user(Role.MEMBER, email="bo.truong@ecabinet.test")
    response = _sign_in(client, "Bo.Truong@ecabinet.test")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/api/v1/me").get_json()["id"] == user.id
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login")).one()
    assert entry.actor_id == user.id and entry.ip == "127.0.0.1"


def test_next_must_stay_on_this_site(client, db, make_user):
    make_user(email="next@ecabinet.test")
    assert (
        _sign_in(client, "next@ecabinet.test", next="https://evil.example/x").headers["Location"]
        == "/"
    )
    client.post("/sign-out")
    assert (
        _sign_in(client, "next@ecabinet.test", next="/admin/users").headers["Location"]
        == "/admin/users"
    )


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(client, db, make_user):
    make_user(email="chair@ecabinet.test")
    statuses = [
        _sign_in(client, "chair@ecabinet.test", "sai-mat-khau").status_code for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 401]
    fifth = _sign_in(client, "chair@ecabinet.test", "sai-mat-khau")
    assert fifth.status_code == 429
    assert "Tài khoản tạm khóa, vui lòng thử lại sau 15 phút" in fifth.get_data(as_text=True)
    # even the right password is refused while the lock lasts
    locked = _sign_in(client, "chair@ecabinet.test")
    assert locked.status_code == 429
    assert client.get("/api/v1/me").status_code == 401
    actions = _actions(db)
    assert actions.count("auth.login_failed") == 5
    assert "auth.locked" in actions and "auth.login_refused" in actions


def test_warning_before_the_lock(client, db, make_user):
    make_user(email="warn@ecabinet.test")
    for _ in range(3):
        response = _sign_in(client, "warn@ecabinet.test", "sai")
    assert "Còn 2 lần thử" in response.get_data(as_text=True)


def test_throttle_slows_then_locks_and_expires(app, db):
    config = settings()
    now = throttle.utcnow()
    for _ in range(3):
        throttle.note_failure("slow@ecabinet.test", "10.0.0.9")
    state = throttle.state_for("slow@ecabinet.test", "10.0.0.9", config, now=now)
    assert (
        not state.locked and state.delay_seconds == 0
    )  # slowdown is 0 s in tests; the rule still applies
    slow_config = type(config).__new__(type(config))
    slow_config.__dict__.update(config.__dict__ | {"login_slowdown_seconds": 1.0})
    assert (
        throttle.state_for("slow@ecabinet.test", "10.0.0.9", slow_config, now=now).delay_seconds
        == 1.0
    )
    for _ in range(2):
        throttle.note_failure("slow@ecabinet.test", "10.0.0.9")
    assert throttle.state_for("slow@ecabinet.test", "10.0.0.9", config).locked
    later = throttle.utcnow() + timedelta(minutes=config.login_lock_minutes + 1)
    assert not throttle.state_for("slow@ecabinet.test", "10.0.0.9", config, now=later).locked


def test_one_address_trying_many_accounts_is_refused(client, db, make_user):
    config = settings()
    for i in range(config.login_ip_max_failures):
        throttle.note_failure(f"guess{i}@ecabinet.test", "127.0.0.1")
    db.session.commit()
    make_user(email="innocent@ecabinet.test")
    assert _sign_in(client, "innocent@ecabinet.test").status_code == 429


def test_success_clears_the_account_failures(client, db, make_user):
    make_user(email="ok@ecabinet.test")
    for _ in range(3):
        _sign_in(client, "ok@ecabinet.test", "sai")
    assert _sign_in(client, "ok@ecabinet.test").status_code == 302
    assert throttle.state_for("ok@ecabinet.test", "10.1.1.1", settings()).failures == 0


def test_unknown_email_and_empty_form_are_refused_the_same_way(client, db):
    assert _sign_in(client, "nobody@ecabinet.test").status_code == 401
    assert client.post("/sign-in", data={}).status_code == 401


def test_deactivated_user_is_signed_out_at_once(client, db, make_user, login):
    user = make_user()
    admin = make_user(Role.ADMIN)
    login(user)
    assert client.get("/api/v1/me").status_code == 200
    set_user_active(user, False, actor=admin)
    db.session.commit()
    assert client.get("/api/v1/me").status_code == 401
    response = _sign_in(client, user.email)
    assert response.status_code == 403 and "vô hiệu hóa" in response.get_data(as_text=True)


def test_password_change_signs_out_other_sessions(app, db, make_user, user_client):
    user = make_user()
    here, elsewhere = user_client(user), user_client(user)
    response = here.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "mat-khau-moi-2026",
            "password_confirm": "mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    assert here.get("/api/v1/me").status_code == 200
    assert elsewhere.get("/api/v1/me").status_code == 401
    assert "user.password_changed" in _actions(db)


def test_password_change_errors_show_next_to_the_field(client, db, make_user, login):
    login(make_user())
    wrong = client.post(
        "/account/password",
        data={"current_password": "sai", "password": "x" * 12, "password_confirm": "x" * 12},
    )
    assert wrong.status_code == 422 and "Mật khẩu hiện tại không đúng" in wrong.get_data(
        as_text=True
    )
    short = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "ngan", "password_confirm": "ngan"},
    )
    assert "ít nhất 10 ký tự" in short.get_data(as_text=True)
    mismatch = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "y" * 12, "password_confirm": "z" * 12},
    )
    assert "không khớp" in mismatch.get_data(as_text=True)


def test_sign_out_ends_the_session(client, db, make_user, login):
    login(make_user())
    response = client.post("/sign-out")
    assert response.status_code == 200
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'  # offline papers go too
    assert client.get("/api/v1/me").status_code == 401
    assert "auth.logout" in _actions(db)


def test_csrf_is_required_on_forms(app, db, client, make_user):
    make_user(email="csrf@ecabinet.test")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert _sign_in(client, "csrf@ecabinet.test").status_code == 400
        page = client.get("/sign-in").get_data(as_text=True)
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        assert _sign_in(client, "csrf@ecabinet.test", csrf_token=token).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_refused_sign_in_keeps_its_audit_entry_though_the_answer_is_an_error(
    client, db, make_user
):
    user = make_user(email="off@ecabinet.test")
    set_user_active(user, False, actor=None)
    db.session.commit()
    assert _sign_in(client, "off@ecabinet.test").status_code == 403
    refused = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth.login_refused")
    ).one()
    assert refused.object_id == str(user.id) and refused.data == {"reason": "inactive"}


def test_failures_are_really_committed_while_the_answer_rolls_back(app, committed_db, make_user):
    """Seen from another connection: the 401 answer's unit of work did not take them back."""
    make_user(email="real@ecabinet.test")
    client = app.test_client()
    assert _sign_in(client, "real@ecabinet.test", "sai").status_code == 401
    with committed_db.engine.connect() as other:
        keys = set(other.scalars(select(LoginFailure.key)))
        actions = list(other.scalars(select(AuditEntry.action)))
    assert keys == {"acct:real@ecabinet.test", "ip:127.0.0.1"}
    assert actions.count("auth.login_failed") == 1


def test_a_request_reads_its_person_roles_and_session_in_one_statement(
    client, db, make_user, login
):
    """Every request and socket connection checks its cookie: the person, their roles and the
    session record come in one statement (three before), and each refusal still holds."""
    user = make_user(Role.SECRETARIAT)
    login(user)
    db.session.expire_all()  # nothing of the person kept from the sign-in
    with statements() as seen:
        response = client.get("/api/v1/me")
    assert response.status_code == 200 and "secretariat" in response.get_json()["roles"]
    identity = [s for s in seen if re.search(r"\b(users|user_roles|user_sessions)\b", s)]
    assert len(identity) == 1, identity

    # Another person's session record does not sign this cookie in.
    other = make_user(name="Người khác")
    foreign = open_session(other.id)
    db.session.commit()
    with client.session_transaction() as sess:
        mine = sess[SESSION_KEY]
        sess[SESSION_KEY] = foreign.key
    assert client.get("/api/v1/me").status_code == 401

    # Its own record, once expired, does not either.
    with client.session_transaction() as sess:
        sess[SESSION_KEY] = mine
    assert client.get("/api/v1/me").status_code == 200
    record = db.session.scalar(select(SessionRecord).where(SessionRecord.key == mine))
    record.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me").status_code == 401


def test_a_request_that_changes_nothing_sends_no_cookie(client, db, make_user):
    """The signed cookie ends when its server-side record does (12 hours after signing in, not
    moved by later requests): re-signing and re-sending it with every response extended
    nothing but the cookie."""
    make_user(Role.MEMBER, email="khong.doi@ecabinet.test")
    signed = _sign_in(client, "khong.doi@ecabinet.test")
    assert "Expires=" in signed.headers["Set-Cookie"]
    for _ in range(2):
        response = client.get("/api/v1/me")
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
