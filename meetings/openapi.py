"""OpenAPI operations kept in YAML beside each API module, attached to the views' docstrings.

`cabinet.api.build_spec` reads each /api/v1 view's docstring (apispec's FlaskPlugin takes the
YAML after `---`). The operations live in an `openapi.yaml` next to the API module, keyed by
view function name, so the view modules hold only code. The schemas they name are the output
schemas the views dump with, so the document shows the wire shape the clients receive.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml


def document_views(views: Mapping[str, Any], path: Path) -> None:
    """Append to each view named in the YAML file `path` its OpenAPI operations.

    A name that is not a view of `views` (a module's globals) raises KeyError at import.
    """
    operations: dict[str, dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, ops in operations.items():
        view: Callable[..., Any] = views[name]
        summary = (view.__doc__ or "").split("\n---", 1)[0].rstrip()
        spec = yaml.safe_dump(ops, allow_unicode=True, sort_keys=False)
        view.__doc__ = f"{summary}\n---\n{spec}"
