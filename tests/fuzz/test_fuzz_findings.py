"""Regression tests for what `make fuzz` found: each request the fuzzer sent, replayed and checked
with the same schemathesis checks (no 500, the response matches the documented schema)."""

from __future__ import annotations

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import session_cookie
from tests.voting.ballots import conftest as ballot_fixtures
from tests.voting.polls.helpers import build_session

make_ballot = ballot_fixtures.make_ballot  # the ballot tests' fixture, used here too


def conforms(app, user, method: str, path: str, **parameters) -> None:
    """Call `method path` as `user` and validate the answer against the OpenAPI document."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path][method]
    case = operation.Case(**parameters)
    cookies = {app.config["SESSION_COOKIE_NAME"]: session_cookie(app, user)}
    response = case.call(cookies=cookies)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])


def test_my_response_before_replying_matches_its_schema(app, make_ballot):
    # The reply of a member who has not answered yet has no status: the schema must allow null.
    cabinet, ballot = make_ballot()
    conforms(
        app,
        cabinet.secretariat,
        "GET",
        "/api/v1/ballots/{ballot_id}/response",
        path_parameters={"ballot_id": ballot.id},
    )


def test_stale_agenda_conflict_matches_the_problem_schema(app, db, make_cabinet):
    # A 409 agenda.stale carries the current order as an extension member (RFC 9457 3.2): the
    # documented problem schema must allow it.
    cabinet = make_cabinet(5, deputies=1)
    session = build_session(cabinet)
    db.session.commit()
    conforms(
        app,
        cabinet.secretariat,
        "PUT",
        "/api/v1/meetings/{meeting_id}/order",
        path_parameters={"meeting_id": session.meeting.id},
        body={"order": []},
        media_type="application/json",
    )
