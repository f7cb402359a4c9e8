"""The admin creates people, assigns roles and deactivates accounts; all of it audited."""

from __future__ import annotations

from sqlalchemy import select

from cabinet.audit.models import AuditEntry
from cabinet.users.grants import confirm_grant, pending_grants
from cabinet.users.models import Role, User


def test_admin_creates_a_user_with_roles(client, db, make_user, login):
    admin = make_user(Role.ADMIN)
    login(admin)
    assert "Tạo tài khoản" in client.get("/admin/users/new").get_data(as_text=True)
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Nguyễn Văn Mới",
            "email": "moi@ecabinet.test",
            "password": "mat-khau-ban-dau",
            "title": "Thứ trưởng",
            "ministry": "Bộ Tư pháp",
            "roles": ["deputy", "invitee"],
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "moi@ecabinet.test"))
    # Roles that read content wait for a second admin (separation of duties, issue 12).
    assert user.roles == set()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.created"))
    assert entry.actor_id == admin.id and entry.data["roles"] == []
    assert "Nguyễn Văn Mới" in client.get("/admin/users").get_data(as_text=True)
    for grant in pending_grants(user):
        confirm_grant(grant, actor=make_user(Role.ADMIN))
    assert user.roles == {Role.DEPUTY, Role.INVITEE}


def test_create_user_errors_are_specific_and_nothing_is_stored(client, db, make_user, login):
    login(make_user(Role.ADMIN))
    make_user(email="taken@ecabinet.test")
    before = db.session.query(User).count()
    missing = client.post("/admin/users/new", data={"name": "", "email": "", "password": ""})
    assert missing.status_code == 422 and "Trường này là bắt buộc" in missing.get_data(as_text=True)
    taken = client.post(
        "/admin/users/new", data={"name": "A", "email": "taken@ecabinet.test", "password": "x" * 12}
    )
    assert taken.status_code == 422 and "Đã được sử dụng" in taken.get_data(as_text=True)
    short = client.post(
        "/admin/users/new", data={"name": "A", "email": "a@ecabinet.test", "password": "short"}
    )
    assert "ít nhất 10 ký tự" in short.get_data(as_text=True)
    assert db.session.query(User).count() == before


def test_role_change_and_deactivation_are_audited(client, db, make_user, login):
    admin = make_user(Role.ADMIN)
    person = make_user((Role.MEMBER, Role.CHAIR))
    login(admin)
    response = client.post(f"/admin/users/{person.id}", data={"roles": ["member"], "active": "0"})
    assert response.status_code == 302
    assert person.roles == {Role.MEMBER} and not person.active
    changed = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.roles_changed"))
    assert changed.data == {"before": ["chair", "member"], "after": ["member"]}
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.deactivated"))
        is not None
    )


def test_admin_cannot_lock_themselves_out(client, db, make_user, login):
    admin = make_user(Role.ADMIN)
    login(admin)
    response = client.post(f"/admin/users/{admin.id}", data={"roles": ["member"], "active": "1"})
    assert response.status_code == 422
    assert admin.roles == {Role.ADMIN}


def test_unknown_user_is_404(client, db, make_user, login):
    login(make_user(Role.ADMIN))
    assert client.get("/admin/users/999999").status_code == 404
