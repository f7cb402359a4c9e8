"""Encrypted backups: `flask --app app cabinet backup DIR` and `cabinet restore DIR`.

A backup folder holds the database dump and the instance folder (secret key, signing keys,
stored files), each encrypted with a key derived from a passphrase, and a manifest with their
SHA-256 checksums under a MAC. Restore checks everything before it touches anything, restores,
then runs the restore checks (the audit chain; the feature packages add theirs, e.g. the
signatures of the signed records) before it says it is done. See docs/deploy.md.

Feature packages extend it through two registries on the app (the core imports no feature):

- `register_exclusion(app, fn)`: `fn()` names a file that must never be in a backup (the
  secret-vote custody key, see docs/secret-votes.md), or None.
- `register_restore_check(app, name, fn)`: `fn(sample)` checks the restored data (`sample`:
  check at most that many items, None = all) and returns a `CheckOutcome`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

EXCLUSIONS = "ecabinet.backup_exclusions"
CHECKS = "ecabinet.restore_checks"


@dataclass(frozen=True)
class CheckOutcome:
    """What one restore check found: ok or not, and one line for the operator."""

    ok: bool
    summary: str


Exclusion = Callable[[], Path | None]
RestoreCheck = Callable[[int | None], CheckOutcome]


def register_exclusion(app: Flask, fn: Exclusion) -> None:
    """Never put the file `fn()` names into a backup."""
    hooks = app.extensions.setdefault(EXCLUSIONS, [])
    if fn not in hooks:
        hooks.append(fn)


def register_restore_check(app: Flask, name: str, fn: RestoreCheck) -> None:
    """Run `fn` after every restore; the restore fails if it is not ok."""
    checks = app.extensions.setdefault(CHECKS, {})
    checks[name] = fn


def excluded_files() -> set[Path]:
    """The files no backup may contain, resolved."""
    found = set()
    for fn in current_app.extensions.get(EXCLUSIONS, []):
        path = fn()
        if path is not None:
            found.add(Path(path).resolve())
    return found


def restore_checks() -> dict[str, RestoreCheck]:
    return dict(current_app.extensions.get(CHECKS, {}))
