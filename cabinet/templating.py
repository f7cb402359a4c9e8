"""What every template may use: the dates of `cabinet.dates`, the locale, `has_endpoint`, the
glossary of labels (`glossary.DRAFT`...) and the `office` filter (title and ministry).

Registered once by the core, so feature packages format dates the same way and never register
their own copies: `{{ moment | vn_datetime }}` or `{{ vn_datetime(moment) }}`.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import get_locale

from cabinet import dates, glossary


def local_time(value: datetime | str | None) -> str:
    """A UTC time (datetime or ISO text) in local time: "07:40:23 27/11/2026"."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value  # not a time: shown as it came
    return dates.clock_time(value)


def vn_date(moment: datetime | date | None) -> str:
    """The Decree 30 date: "ngày 05 tháng 3 năm 2026" ("5 March 2026" on an English page; the
    records are rendered with the Vietnamese locale forced, so they keep the Decree 30 form)."""
    return dates.ui_date(moment)


#: name -> function, available both as a filter and as a global function in every template.
DATE_HELPERS = {
    "local_time": local_time,
    "vn_date": vn_date,
    "vn_datetime": dates.ui_datetime,  # in the language of the page
}


def register_template_helpers(app: Flask) -> None:
    """Add the date filters and functions, `has_endpoint` and `current_locale` to templates."""

    def has_endpoint(name: str) -> bool:
        return name in app.view_functions

    for name, fn in DATE_HELPERS.items():
        app.add_template_filter(fn, name)
        app.add_template_global(fn, name)
    app.add_template_global(has_endpoint, "has_endpoint")  # also inside imported macros
    # One vocabulary (docs/glossary.md) and one way to name a person's office, in every template.
    app.add_template_global(glossary, "glossary")
    app.add_template_filter(glossary.office, "office")

    @app.context_processor
    def template_globals():
        return {"current_locale": str(get_locale() or "vi"), "has_endpoint": has_endpoint}
