"""The JSON API: problem+json errors, the same permissions as the pages, the OpenAPI document."""

from __future__ import annotations

from cabinet.users.grants import pending_grants
from cabinet.users.models import Role, User


def test_problem_json_for_unknown_resources_and_bad_input(client, db, make_user, login):
    login(make_user(Role.ADMIN))
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert missing.get_json()["status"] == 404
    bad = client.post("/api/v1/users", json={"name": "", "email": "not-an-email"})
    body = bad.get_json()
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert body["code"] == "validation_failed"
    assert set(body["fields"]) >= {"email", "password"}
    assert body["title"] and body["type"].endswith("/validation_failed")


def test_admin_creates_and_deactivates_through_the_api(client, db, make_user, login):
    login(make_user(Role.ADMIN))
    created = client.post(
        "/api/v1/users",
        json={
            "name": "Lê Văn API",
            "email": "api@ecabinet.test",
            "password": "mat-khau-api-2026",
            "roles": ["member"],
        },
    )
    assert created.status_code == 201
    user_id = created.get_json()["id"]
    assert created.get_json()["roles"] == []  # "member" reads content: a second admin confirms
    duplicate = client.post(
        "/api/v1/users", json={"name": "X", "email": "API@ecabinet.test", "password": "x" * 12}
    )
    assert duplicate.status_code == 409
    patched = client.patch(
        f"/api/v1/users/{user_id}", json={"active": False, "roles": ["member", "chair"]}
    )
    assert patched.status_code == 200 and patched.get_json()["active"] is False
    assert patched.get_json()["roles"] == []
    user = db.session.get(User, user_id)
    assert sorted(g.role for g in pending_grants(user)) == [Role.CHAIR, Role.MEMBER]


def test_api_refuses_wrong_role_with_problem_json(client, db, make_user, login):
    login(make_user(Role.MEMBER))
    response = client.get("/api/v1/users")
    assert response.status_code == 403 and response.mimetype == "application/problem+json"


def test_openapi_document_describes_every_api_route(app, client, db):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = set(spec["paths"])
    routes = {
        rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "core_api.openapi"
    }
    import re

    routes = {re.sub(r"\{(?:\w+:)?(\w+)\}", r"{\1}", r) for r in routes}
    assert routes <= documented, f"undocumented API routes: {sorted(routes - documented)}"
    assert "UserSchema" in spec["components"]["schemas"]
    assert spec["paths"]["/api/v1/users"]["post"]["requestBody"]


def test_api_with_session_needs_the_csrf_header(app, client, db, make_user, login):
    login(make_user(Role.ADMIN))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/api/v1/users", json={"name": "X", "email": "x@ecabinet.test", "password": "x" * 12}
        )
        assert response.status_code == 400 and response.mimetype == "application/problem+json"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
