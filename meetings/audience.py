"""Who receives a broadcast that carries content: each person the same question allows.

A meeting's room holds everyone who may read the meeting; content that only some of them may
see (a restricted item, the minutes, a classified paper) goes instead to the personal room of
each person for whom the model's own question (`item.can_read`, `minutes.can_read`, ...)
answers yes, asked when the event is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select

from cabinet.db import db
from cabinet.eviction import evict_from_meeting
from cabinet.realtime import emit_after_commit, user_room
from cabinet.users.models import User
from meetings.models import Meeting


def audience(may: Callable[[User], bool]) -> list[int]:
    """Ids of the active people for whom `may(person)` is true."""
    people = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
    return [person.id for person in people if may(person)]


def announce_to(event: str, payload: dict[str, Any], may: Callable[[User], bool]) -> None:
    """Emit `event` after commit to each person `may` allows, in their personal room."""
    for user_id in audience(may):
        emit_after_commit(event, payload, room=user_room(user_id))


def every_person_id() -> list[int]:
    """Ids of every active person (the candidates when anyone may have lost access)."""
    return list(db.session.scalars(select(User.id).where(User.active.is_(True))))


def evict_who_lost(meeting: Meeting, user_ids: Iterable[int], reason: str) -> None:
    """After a change to `meeting`: those among `user_ids` who may no longer read it leave its
    room on every worker, once the change is committed."""
    lost = []
    for user_id in set(user_ids):
        person = db.session.get(User, user_id)
        if person is None or not meeting.can_read(person):
            lost.append(user_id)
    evict_from_meeting(lost, meeting.id, reason)
