"""The browser modules stay small and hang together: no module over 400 lines, every relative
import names a file that exists and a name that file exports, and the plumbing (CSRF, problem
documents, strings, escaping) has one copy each (static/js/http.js, static/js/strings.js)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "static" / "js"
MODULES = sorted(p for p in JS.rglob("*.js") if "vendor" not in p.parts) + [ROOT / "static/sw.js"]
LIMIT = 400

IMPORT = re.compile(r"""^import\s+(?:\{([^}]*)\}\s+from\s+)?["']([^"']+)["'];?""", re.M)
DYNAMIC = re.compile(r"""import\(\s*["'](\.[^"']+)["']\s*\)""")
EXPORT_DECL = re.compile(r"^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+([\w$]+)", re.M)
EXPORT_LIST = re.compile(r"^export\s*\{([^}]*)\}", re.M)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _exports(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    names = set(EXPORT_DECL.findall(text))
    for group in EXPORT_LIST.findall(text):
        names.update(part.split(" as ")[-1].strip() for part in group.split(",") if part.strip())
    return names


@pytest.mark.parametrize("module", MODULES, ids=_rel)
def test_module_is_small_enough_to_hold(module):
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= LIMIT, f"{_rel(module)} has {lines} lines: split it by concern"


@pytest.mark.parametrize("module", MODULES, ids=_rel)
def test_relative_imports_resolve_to_exported_names(module):
    text = module.read_text(encoding="utf-8")
    for names, source in IMPORT.findall(text):
        if not source.startswith("."):
            continue
        target = (module.parent / source).resolve()
        assert target.is_file(), f"{_rel(module)} imports missing {source}"
        if "vendor" in target.parts:
            continue
        wanted = {n.split(" as ")[0].strip() for n in names.split(",") if n.strip()}
        missing = wanted - _exports(target)
        assert not missing, (
            f"{_rel(module)} imports {sorted(missing)} that {source} does not export"
        )
    for source in DYNAMIC.findall(text):
        assert (module.parent / source).resolve().is_file(), (
            f"{_rel(module)} loads missing {source}"
        )


# Plumbing that has one home: (pattern, the module allowed to contain it).
ONE_COPY = [
    (re.compile(r"csrf-token|X-CSRFToken"), "static/js/http.js"),
    (re.compile(r"application/problem\+json"), "static/js/http.js"),
    (re.compile(r"replace\(/\[&<>"), "static/js/strings.js"),
    (re.compile(r"replace\(/\\\{\(\\w\+\)\\\}/g"), "static/js/strings.js"),
    (re.compile(r"JSON\.parse\(document\.getElementById"), "static/js/strings.js"),
]


@pytest.mark.parametrize(("pattern", "home"), ONE_COPY, ids=[home for _, home in ONE_COPY])
def test_plumbing_has_one_copy(pattern, home):
    found = [_rel(m) for m in MODULES if pattern.search(m.read_text(encoding="utf-8"))]
    assert found == [home], f"{pattern.pattern!r} belongs in {home} only, found in {found}"


def test_live_lists_are_not_redrawn_with_inner_html():
    # A list redrawn with innerHTML replaces the buttons a person may be pressing (the tap is
    # lost); live updates go through static/js/dom.js (morph/patch), which keeps the nodes.
    offenders = [
        _rel(m)
        for m in MODULES
        if re.search(r"\.innerHTML\s*=", m.read_text(encoding="utf-8"))
        and m.name not in {"ui.js", "dom.js"}
    ]
    assert not offenders, offenders
