"""Every route is declared, listed with the roles that may use it, and enforced.

A new route without a declaration in its view or an entry in a route table fails here.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from flask import url_for

from cabinet import create_app
from cabinet.permissions import access_of
from cabinet.users.models import Role

HERE = Path(__file__).parent


def _tables() -> dict[str, dict]:
    routes: dict[str, dict] = {}
    for path in sorted(HERE.rglob("route_table.py")):
        module_name = ".".join(path.relative_to(HERE.parent).with_suffix("").parts)
        table = importlib.import_module(module_name).ROUTES
        overlap = set(routes) & set(table)
        assert not overlap, f"{path}: endpoints listed twice: {overlap}"
        routes.update(table)
    return routes


ROUTES = _tables()
_app_for_listing = None


def _app_endpoints() -> list[str]:
    global _app_for_listing
    from tests.conftest import test_environ  # the same environment as the suite's app

    if _app_for_listing is None:
        import tempfile

        _app_for_listing = create_app(test_environ(Path(tempfile.mkdtemp())))
    return sorted({rule.endpoint for rule in _app_for_listing.url_map.iter_rules()})


ENDPOINTS = _app_endpoints()


def test_every_route_is_listed_in_a_route_table():
    missing = [e for e in ENDPOINTS if e not in ROUTES]
    assert not missing, f"routes with no entry in any tests/**/route_table.py: {missing}"
    stale = [e for e in ROUTES if e not in ENDPOINTS]
    assert not stale, f"route tables list endpoints the app does not have: {stale}"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_view_declares_its_access_and_it_matches_the_table(app, endpoint):
    entry = ROUTES[endpoint]
    if endpoint == "static":
        return
    access = access_of(app.view_functions[endpoint])
    assert access is not None, (
        f"{endpoint} has no @roles_required / @login_required_route / @public_route"
    )
    expected = entry["roles"]
    if expected in ("any", "public"):
        assert access.kind == expected
    else:
        assert access.kind == "roles" and set(access.roles) == set(expected)


def _request(client, app, endpoint: str):
    entry = ROUTES[endpoint]
    method = entry.get("method", "GET")
    with app.test_request_context():
        url = url_for(endpoint, **entry.get("path_args", {}))
    return client.open(
        url, method=method, json={} if url.startswith("/api/") and method != "GET" else None
    )


PROTECTED = [e for e in ENDPOINTS if ROUTES.get(e, {}).get("roles") != "public"]


@pytest.mark.parametrize("endpoint", PROTECTED)
def test_anonymous_is_sent_to_sign_in(app, db, client, endpoint):
    response = _request(client, app, endpoint)
    with app.test_request_context():
        is_api = url_for(endpoint, **ROUTES[endpoint].get("path_args", {})).startswith("/api/")
    if is_api:
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
    else:
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


ROLE_GATED = [e for e in ENDPOINTS if isinstance(ROUTES.get(e, {}).get("roles"), set | frozenset)]


@pytest.mark.parametrize("endpoint", ROLE_GATED)
def test_wrong_role_gets_403(app, db, client, make_user, login, endpoint):
    allowed = set(ROUTES[endpoint]["roles"])
    others = [r for r in Role if r not in allowed]
    assert others, f"{endpoint}: every role is allowed; list it as 'any'"
    login(make_user(tuple(others)))
    response = _request(client, app, endpoint)
    assert response.status_code == 403
