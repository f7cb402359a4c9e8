"""OpenAPI operations kept beside each API module, not inside its views' docstrings.

The core builds the OpenAPI document with apispec's Flask plugin, which reads a view's
operations from the YAML after `---` in its docstring; `document` puts them there when the API
module loads, from the module's `openapi.py` (YAML keyed by view function name).
"""

from __future__ import annotations

from types import ModuleType

import yaml


def document(api: ModuleType, operations: str) -> None:
    """Attach each view's operations (`operations`: YAML keyed by view name) to its docstring."""
    for name, ops in yaml.safe_load(operations).items():
        view = getattr(api, name)
        summary = (view.__doc__ or "").split("\n---", 1)[0].rstrip()
        spec = yaml.safe_dump(ops, allow_unicode=True, sort_keys=False)
        view.__doc__ = f"{summary}\n---\n{spec}"
