"""Who may use which route: every view declares it with exactly one decorator.

The same wrapper is the request's unit of work (like Indico's `RH.process`): it commits once
when the view succeeds and rolls back when it raises or answers with an error status.

`tests/test_permissions.py` enumerates the app's routes and fails for any route without a
declaration or without an entry in the route tables, so access is never implicit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import redirect, request, url_for
from flask_login import current_user

from cabinet.db import run_unit_of_work
from cabinet.errors import Forbidden, Unauthorized
from cabinet.users.models import Role


@dataclass(frozen=True)
class Access:
    """A route's declared access: "public", "any" signed-in user, or one of `roles`."""

    kind: str
    roles: frozenset[Role] = frozenset()


def _refuse_anonymous() -> Any:
    if request.path.startswith("/api/"):
        raise Unauthorized()
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _declare(access: Access, check: Callable[[], Any]) -> Callable:
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            refusal = check()
            if refusal is not None:
                return refusal
            return run_unit_of_work(lambda: _call(view, args, kwargs), keep=_succeeded)

        wrapper.access = access  # type: ignore[attr-defined]
        return wrapper

    return decorator


def _call(view: Callable, args: Any, kwargs: Any) -> Any:
    # A retried unit of work reads its uploads again from the start.
    for upload in request.files.values():
        upload.stream.seek(0)
    return view(*args, **kwargs)


def _succeeded(response: Any) -> bool:
    """Commit what a view did unless it answers with an error status (a form sent back)."""
    if isinstance(response, tuple) and len(response) > 1 and isinstance(response[1], int):
        return response[1] < 400
    return getattr(response, "status_code", 200) < 400


def roles_required(*roles: Role) -> Callable:
    """Signed in and holding one of `roles`; otherwise sign-in redirect / 401, or 403."""

    def check() -> Any:
        if not current_user.is_authenticated:
            return _refuse_anonymous()
        if not current_user.has_role(*roles):
            raise Forbidden()
        return None

    return _declare(Access("roles", frozenset(roles)), check)


def login_required_route(view: Callable) -> Callable:
    """Any signed-in person; object-level checks happen in the view."""

    def check() -> Any:
        return None if current_user.is_authenticated else _refuse_anonymous()

    return _declare(Access("any"), check)(view)


def public_route(view: Callable) -> Callable:
    """Open to everyone (sign-in page, health check)."""
    return _declare(Access("public"), lambda: None)(view)


def access_of(view: Callable) -> Access | None:
    """The declared access of a view function, or None if it has none."""
    return getattr(view, "access", None)
