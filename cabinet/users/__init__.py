"""People, their roles and the cabinet membership (the base of the majority rule)."""

from __future__ import annotations

from flask_login import current_user

from cabinet.errors import Unauthorized
from cabinet.users.models import User


def current_person() -> User:
    """The signed-in person as a `User` row (not the proxy); Unauthorized when nobody is."""
    if not current_user.is_authenticated:
        raise Unauthorized()
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]
