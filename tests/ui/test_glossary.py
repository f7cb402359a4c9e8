"""Issue 16, finding 12: one glossary of labels, in the module the templates read and on the page
docs/glossary.md, with the English the catalogs give; the retired words are used nowhere."""

from __future__ import annotations

import re

import pytest

from cabinet import glossary
from cabinet.i18n import english_catalog
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")


def _rows() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in DOC.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].isupper():
            rows[cells[0]] = (cells[1], cells[2])
    return rows


@pytest.mark.parametrize("name", sorted(glossary.TERMS))
def test_each_term_is_on_the_glossary_page_with_its_english(name):
    vietnamese = glossary.TERMS[name]._args[0]
    assert _rows()[name] == (vietnamese, english_catalog()[vietnamese])


def test_the_glossary_page_lists_only_the_modules_terms():
    assert set(_rows()) == set(glossary.TERMS)


def test_retired_words_are_used_nowhere():
    sources = [
        p
        for pattern in (
            "cabinet/**/*.py",
            "meetings/**/*.py",
            "voting/**/*.py",
            "records/**/*.py",
            "demo/**/*.py",
            "templates/**/*.html",
            "static/js/**/*.js",
        )
        for p in ROOT.glob(pattern)
        if p.name != "glossary.py"
    ]
    found = [
        f"{p.relative_to(ROOT)}: {word}"
        for p in sources
        for word in glossary.RETIRED
        if re.search(r"[\"'>]" + re.escape(word) + r"[\"'<]", p.read_text(encoding="utf-8"))
    ]
    assert not found, found


def test_a_meeting_state_reads_the_same_in_the_badge_and_the_enum(app):
    from flask import render_template_string

    from meetings.models import STATE_LABELS, MeetingState

    with app.test_request_context():
        for state in MeetingState:
            html = render_template_string(
                '{% from "_macros.html" import badge %}{{ badge(s) }}', s=state
            )
            assert str(STATE_LABELS[state]) in html, state
