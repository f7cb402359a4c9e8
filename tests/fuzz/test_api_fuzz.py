"""`make fuzz`: schemathesis over /api/v1/openapi.json as the secretariat, a member and an
anonymous client; every operation gets a bounded number of generated requests; no 500 and no
response outside its documented schema. `make test` runs a short profile (ECABINET_FUZZ_EXAMPLES,
default 3 per operation); `make fuzz` runs it with more (and on PostgreSQL when
ECABINET_TEST_DATABASE_URL is set). Offline: the app is called in-process (WSGI)."""

from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import session_cookie
from tests.voting.polls.helpers import build_session

EXAMPLES = int(os.environ.get("ECABINET_FUZZ_EXAMPLES", "3"))
STATUSES: Counter[int] = (
    Counter()
)  # what the run saw, printed with -s (a run of only 401s is no run)


def _fuzz(app, cookie: str | None) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    cookies = {app.config["SESSION_COOKIE_NAME"]: cookie} if cookie else {}
    problems: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:
            response = case.call(cookies=cookies)
            STATUSES[response.status_code] += 1
            try:
                case.validate_response(
                    response, checks=[not_a_server_error, response_schema_conformance]
                )
            # Collect every finding, then report. schemathesis raises a FailureGroup, which is a
            # BaseExceptionGroup: `except Exception` let the first one end the whole run.
            except (Exception, BaseExceptionGroup) as error:
                problems.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{str(error).splitlines()[0][:200]}"
                )

        run()
    return problems


@pytest.fixture
def world(db, make_cabinet):
    cab = make_cabinet(5, deputies=1)
    build_session(cab)
    db.session.commit()
    return cab


@pytest.mark.parametrize("who", ["secretariat", "member", "anonymous"])
def test_fuzz_api_no_500_no_schema_violation(app, world, who):
    user = {"secretariat": world.secretariat, "member": world.members[2]}.get(who)
    STATUSES.clear()
    problems = _fuzz(app, session_cookie(app, user) if user else None)
    print(who, dict(STATUSES))
    if user is not None:
        assert set(STATUSES) - {401}, "every request was refused as anonymous: not signed in"
    summary = Counter(p.split(":")[0] for p in problems)
    assert not problems, "\n".join(f"{n}× {k}" for k, n in summary.most_common()) + (
        "\n\n" + "\n".join(sorted(set(problems))[:40])
    )
