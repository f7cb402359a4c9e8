"""The demo cabinet: people, papers, sessions and ballots shaped like the Government of Viet Nam.

The top layer: it builds on every feature package and nothing imports it.
"""

from __future__ import annotations

from flask import Flask

from demo import cli as _cli  # noqa: F401  (adds seed-demo and demo-logins to `cabinet`)
from demo.content import register as _register_content


def register(app: Flask) -> None:
    """Add the demo content to the `seed-demo` hooks (after the features' own hooks)."""
    _register_content(app)
