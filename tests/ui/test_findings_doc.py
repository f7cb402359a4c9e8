"""docs/ui.md maps each numbered finding of issue 16 to its browser tests: the table names
findings 1 to 12, and every test it names exists (a renamed test breaks this, not the doc)."""

from __future__ import annotations

import re

from tests.conftest import ROOT

DOC = (ROOT / "docs" / "ui.md").read_text(encoding="utf-8")
SECTION = DOC.split("## Issue 16: a browser test per finding", 1)[1]


def _rows() -> dict[int, list[str]]:
    rows = {}
    for line in SECTION.splitlines():
        found = re.match(r"\| (\d+)\. .*?\| (.*) \|$", line)
        if found:
            rows[int(found[1])] = re.findall(r"`([^`]+)`", found[2])
    return rows


def test_every_finding_has_a_row_with_a_browser_test():
    rows = _rows()
    assert sorted(rows) == list(range(1, 13))
    for finding, tests in rows.items():
        assert tests, finding


def test_every_named_test_exists():
    for finding, tests in _rows().items():
        path = None
        for node in tests:
            file, _, name = node.rpartition("::")
            path = file or path
            source = (ROOT / path).read_text(encoding="utf-8")
            assert re.search(rf"^def {re.escape(name)}\(", source, re.M), (finding, node)
