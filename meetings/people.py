"""People named in a meeting's forms: invitation lists, item invitees, readers of a paper."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from cabinet.db import db
from cabinet.errors import ValidationFailed
from cabinet.users.models import User


def find_users(ids: Iterable[int] | None, *, field: str, message: Any) -> list[User]:
    """The users with these ids, in the order given (repeats dropped); ValidationFailed on
    `field` with `message` when one does not exist."""
    wanted = list(dict.fromkeys(ids or ()))
    if not wanted:
        return []
    found = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}
    if any(i not in found for i in wanted):
        raise ValidationFailed(fields={field: [message]})
    return [found[i] for i in wanted]
