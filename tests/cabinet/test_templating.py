"""The date helpers every template gets from the core, as filters and as functions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask

from cabinet.templating import register_template_helpers

MOMENT = datetime(2026, 2, 5, 1, 30, 7, tzinfo=UTC)  # 08:30:07 in Hà Nội


@pytest.fixture
def helpers_app(app):
    """A bare Flask app with only the core's template helpers (and the cabinet's settings)."""
    bare = Flask("helpers")
    bare.extensions["ecabinet.settings"] = app.extensions["ecabinet.settings"]
    bare.config["BABEL_DEFAULT_LOCALE"] = "vi"
    register_template_helpers(bare)
    return bare


def _render(app, source: str, **context) -> str:
    with app.app_context():
        return app.jinja_env.from_string(source).render(**context)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (MOMENT, "08:30:07 05/02/2026"),
        (MOMENT.isoformat(), "08:30:07 05/02/2026"),  # a verification report carries ISO text
        ("không rõ", "không rõ"),
        (None, ""),
    ],
)
def test_local_time(helpers_app, value, shown):
    assert _render(helpers_app, "{{ value | local_time }}", value=value) == shown


def test_decree30_dates_as_filters_and_as_functions(helpers_app):
    source = "{{ m | vn_date }}|{{ vn_date(d) }}|{{ m | vn_datetime }}|{{ vn_datetime(None) }}"
    assert _render(helpers_app, source, m=MOMENT, d=date(2026, 3, 15)) == (
        "ngày 05 tháng 02 năm 2026|ngày 15 tháng 3 năm 2026|"
        "8 giờ 30, thứ Năm, ngày 05 tháng 02 năm 2026|"
    )


def test_has_endpoint_is_there_inside_imported_macros_too(app):
    assert app.jinja_env.globals["has_endpoint"]("auth.login")
    assert not app.jinja_env.globals["has_endpoint"]("nowhere.page")
