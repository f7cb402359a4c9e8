"""Print the package import graph of the checkout in the current folder: which top-level package imports which, and how often.

    .venv/bin/python scripts/import-graph.py            # package → package counts
    .venv/bin/python scripts/import-graph.py --cycles   # also import cycles inside each package

Counts every import statement grimp finds, function-level ones included.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

PACKAGES = ("cabinet", "meetings", "voting", "records", "demo")


def main() -> None:
    """Print the graph (and the cycles with --cycles)."""
    sys.path.insert(0, str(Path.cwd()))
    present = [p for p in PACKAGES if (Path(sys.path[0]) / p).is_dir()]
    graph = grimp.build_graph(*present)
    for importer in present:
        for imported in present:
            if importer == imported:
                continue
            pairs = graph.find_matching_direct_imports(
                import_expression=f"{importer}.** -> {imported}.**"
            ) + graph.find_matching_direct_imports(import_expression=f"{importer} -> {imported}.**")
            if pairs:
                print(f"{importer:>9} -> {imported:<9} {len(pairs):4d} import(s)")
    if "--cycles" in sys.argv:
        for package in present:
            modules = {m for m in graph.modules if m == package or m.startswith(package + ".")}
            cycles = [
                (a, b)
                for a in modules
                for b in graph.find_modules_directly_imported_by(a)
                if b in modules and a < b and graph.direct_import_exists(importer=b, imported=a)
            ]
            print(f"{package}: {len(cycles)} direct two-module cycle(s)", *cycles, sep="\n  ")


if __name__ == "__main__":
    main()
