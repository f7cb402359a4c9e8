"""The architecture holds: imports flow down the layers, and the core and the demo have no cycles.

The layers contract lives in pyproject.toml (`[tool.importlinter]`) and `make lint` runs it; these
tests run it too, and prove that it fails when someone adds an upward import.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cabinet", "meetings", "voting", "records", "demo")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """`lint-imports` on the project in `cwd` (its pyproject.toml, its packages first on the path)."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    return subprocess.run(
        [command, "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layers_contract_is_kept():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The packages and pyproject.toml copied to a temp folder, to be broken on purpose."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "translations", "*.pyc"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "upward_import", "refusal"),
    [
        # the core reaching into a feature, at module level
        (
            "cabinet/db.py",
            "import meetings.models  # noqa\n",
            "cabinet is not allowed to import meetings",
        ),
        # a function-level import is still an import: hiding it in a function does not help
        (
            "meetings/services.py",
            "\n\ndef _peek():\n    from voting.polls import models\n",
            "meetings is not allowed to import voting",
        ),
        # a feature importing the demo
        (
            "records/parts.py",
            "from demo import people  # noqa\n",
            "records is not allowed to import demo",
        ),
    ],
)
def test_an_upward_import_breaks_the_contract(project_copy, module, upward_import, refusal):
    assert _lint_imports(project_copy).returncode == 0  # the copy itself is sound
    path = project_copy / module
    path.write_text(path.read_text() + upward_import)
    result = _lint_imports(project_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 1 broken." in result.stdout
    assert refusal in result.stdout


def _cycles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """The strongly connected groups (more than one module) among `package`'s own modules."""
    modules = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
    edges = {
        m: sorted(t for t in graph.find_modules_directly_imported_by(m) if t in modules)
        for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in edges[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return found


@pytest.mark.parametrize("package", ["cabinet", "demo"])
def test_no_import_cycle_inside_the_package(package):
    """Function-level imports count too: one that only hides a cycle is still a cycle."""
    sys.path.insert(0, str(ROOT))
    try:
        graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))
    assert _cycles(graph, package) == []


def test_the_cycle_finder_sees_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert _cycles(graph, "pkg") == [["pkg.a", "pkg.b"]]


def test_the_size_check_lists_every_long_module_and_nothing_else(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "check-sizes.sh", tmp_path / "scripts" / "check-sizes.sh")
    files = {
        "app.py": 10,
        "pkg/long.py": 401,
        "pkg/sub/just_fits.py": 400,
        "static/js/long.js": 401,
        "static/sw.js": 500,
        "static/vendor/library.js": 5000,  # vendored: not ours
        "tests/test_long.py": 900,
        "migrations/versions/0001_initial.py": 900,
        "bench/bench_long.py": 900,
        ".venv/lib/site.py": 900,
    }
    for name, lines in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n" * lines)
    script = ["bash", str(tmp_path / "scripts" / "check-sizes.sh")]

    result = subprocess.run(script, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "check-sizes: 3 module(s) over 400 lines (split them by concern):",
        "   401  pkg/long.py",
        "   401  static/js/long.js",
        "   500  static/sw.js",
    ]

    for name in ("pkg/long.py", "static/js/long.js", "static/sw.js"):
        (tmp_path / name).unlink()
    result = subprocess.run(script, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout
