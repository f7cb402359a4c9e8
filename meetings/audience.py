"""Who receives a broadcast that carries content: each person the same question allows.

A meeting's room holds everyone who may read the meeting; content that only some of them may
see (a restricted item, the minutes, a classified paper) goes instead to the personal room of
each person for whom the model's own question (`item.can_read`, `minutes.can_read`, ...)
answers yes, asked when the event is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from cabinet.db import db
from cabinet.realtime import emit_after_commit, user_room
from cabinet.users.models import User


def audience(may: Callable[[User], bool]) -> list[int]:
    """Ids of the active people for whom `may(person)` is true."""
    people = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
    return [person.id for person in people if may(person)]


def announce_to(event: str, payload: dict[str, Any], may: Callable[[User], bool]) -> None:
    """Emit `event` after commit to each person `may` allows, in their personal room."""
    for user_id in audience(may):
        emit_after_commit(event, payload, room=user_room(user_id))
