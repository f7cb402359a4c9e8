"""Finding 10: an admin alone cannot give themself (or anyone) a role that reads content."""

from __future__ import annotations

from sqlalchemy import select

from cabinet.audit.models import AuditEntry
from cabinet.users.grants import pending_grants
from cabinet.users.models import Role, User


def _actions(db):
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]


def test_an_admin_cannot_grant_themself_the_secretariat_role(db, make_user, user_client):
    admin, other_admin = make_user(Role.ADMIN), make_user(Role.ADMIN)
    client = user_client(admin)
    response = client.post(
        f"/admin/users/{admin.id}", data={"roles": ["admin", "secretariat", "chair"], "active": "1"}
    )
    assert response.status_code == 302
    db.session.refresh(admin)
    assert admin.roles == {Role.ADMIN}  # nothing that reads content yet
    grants = pending_grants(admin)
    assert sorted(g.role for g in grants) == [Role.CHAIR, Role.SECRETARIAT]
    # the asking admin cannot confirm their own request
    assert client.post(f"/admin/grants/{grants[0].id}/confirm").status_code == 403
    assert admin.roles == {Role.ADMIN}
    # a second admin can
    second = user_client(other_admin)
    assert "Quyền chờ xác nhận" in second.get("/admin/users").get_data(as_text=True)
    assert second.post(f"/admin/grants/{grants[0].id}/confirm").status_code == 302
    db.session.refresh(admin)
    assert admin.roles == {Role.ADMIN, grants[0].role}
    actions = _actions(db)
    assert "user.role_grant_requested" in actions and "user.role_grant_confirmed" in actions


def test_content_roles_given_through_the_api_wait_too(db, make_user, user_client):
    admin = make_user(Role.ADMIN)
    person = make_user(Role.INVITEE)
    client = user_client(admin)
    patched = client.patch(f"/api/v1/users/{person.id}", json={"roles": ["member", "invitee"]})
    assert patched.status_code == 200 and patched.get_json()["roles"] == ["invitee"]
    assert [g.role for g in pending_grants(person)] == [Role.MEMBER]
    created = client.post(
        "/api/v1/users",
        json={
            "name": "Bù Nhìn",
            "email": "bu@ecabinet.test",
            "password": "x" * 12,
            "roles": ["secretariat"],
        },
    )
    assert created.status_code == 201 and created.get_json()["roles"] == []


def test_a_grant_cannot_be_confirmed_by_the_person_it_is_for(db, make_user, user_client):
    asking, target = make_user(Role.ADMIN), make_user(Role.ADMIN)
    user_client(asking).post(
        f"/admin/users/{target.id}", data={"roles": ["admin", "secretariat"], "active": "1"}
    )
    [grant] = pending_grants(target)
    assert user_client(target).post(f"/admin/grants/{grant.id}/confirm").status_code == 403
    assert Role.SECRETARIAT not in target.roles


def test_the_cli_grants_content_roles_directly(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["cabinet", "create-user", "--name", "Thư ký", "--email", "tk@ecabinet.test"]
        + ["--role", "secretariat", "--password", "mat-khau-dai-du"]
    )
    assert result.exit_code == 0, result.output
    person = db.session.scalar(select(User).where(User.email == "tk@ecabinet.test"))
    assert person.roles == {Role.SECRETARIAT} and pending_grants(person) == []
