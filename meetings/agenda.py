"""Changing the agenda: add, edit, remove and reorder items. They flush and announce after
the commit; the caller's unit of work commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from cabinet.audit import record
from cabinet.db import db, utcnow
from cabinet.errors import Conflict, ValidationFailed
from cabinet.users.models import User
from meetings.audience import evict_who_lost
from meetings.events import announce
from meetings.models import AgendaItem, Meeting
from meetings.people import find_users
from meetings.schemas import AgendaItemSchema

ITEM_FIELDS = (
    "title",
    "summary",
    "kind",
    "ministry",
    "presenter",
    "planned_minutes",
    "restricted",
)
NO_SUCH_INVITEE = _l("Không tìm thấy người dùng được chọn.")


class AgendaChanged(Conflict):
    """The reorder was computed from an agenda that has changed since."""

    code = "agenda.stale"
    default_message = _l(
        "Chương trình họp vừa được thay đổi ở nơi khác. Trang đã được cập nhật, hãy sắp xếp lại."
    )


def item_dict(item: AgendaItem) -> dict[str, Any]:
    """An agenda item's fields as sent to clients (without papers)."""
    return AgendaItemSchema(exclude=("papers",)).dump(item)


def _item_event(event: str, item: AgendaItem, **extra: Any) -> None:
    """Announce an item change; a restricted item's content is never broadcast, only its id."""
    if item.restricted:
        announce(event, item.meeting, item_id=item.id, restricted=True, **extra)
    else:
        announce(event, item.meeting, item_id=item.id, item=item_dict(item), **extra)


def add_item(meeting: Meeting, data: dict[str, Any], *, actor: User) -> AgendaItem:
    """Append an item to the agenda."""
    meeting.ensure_editable()
    item = AgendaItem(position=len(meeting.items) + 1)
    for name in ITEM_FIELDS:
        if name in data:
            setattr(item, name, data[name])
    meeting.items.append(item)
    if "invitee_ids" in data:
        item.invitees = find_users(data["invitee_ids"], field="users", message=NO_SUCH_INVITEE)
    meeting.touch()
    db.session.flush()
    record(
        "agenda.item_added", item, data={"meeting": meeting.id, "title": item.title}, actor=actor
    )
    _item_event("agenda.item_added", item)
    return item


def update_item(item: AgendaItem, data: dict[str, Any], *, actor: User) -> AgendaItem:
    """Change an agenda item's fields and its own invitees."""
    meeting = item.meeting
    meeting.ensure_editable()
    was_restricted = item.restricted
    changed = [n for n in ITEM_FIELDS if n in data and getattr(item, n) != data[n]]
    for name in changed:
        setattr(item, name, data[name])
    if "invitee_ids" in data:
        invitees = find_users(data["invitee_ids"], field="users", message=NO_SUCH_INVITEE)
        dropped = {u.id for u in item.invitees} - {u.id for u in invitees}
        if {u.id for u in invitees} != {u.id for u in item.invitees}:
            item.invitees = invitees
            changed.append("invitees")
            db.session.flush()
            evict_who_lost(meeting, dropped, "uninvited")
    if not changed:
        return item
    meeting.touch()
    db.session.flush()
    record("agenda.item_updated", item, data={"fields": changed}, actor=actor)
    # An item that just became restricted must not linger with content on invitees' tablets.
    _item_event("agenda.item_updated", item, fields=changed, was_restricted=was_restricted)
    return item


def remove_item(item: AgendaItem, *, actor: User) -> None:
    """Delete an agenda item with its papers and renumber the rest."""
    meeting = item.meeting
    meeting.ensure_editable()
    item_id, title = item.id, item.title
    record("agenda.item_removed", item, data={"meeting": meeting.id, "title": title}, actor=actor)
    meeting.items.remove(item)
    for position, other in enumerate(meeting.items, start=1):
        other.position = position
    meeting.touch()
    db.session.flush()
    announce("agenda.item_removed", meeting, item_id=item_id, order=[i.id for i in meeting.items])


_ITEMS, _MEETINGS = AgendaItem.__table__, Meeting.__table__
_TOUCH = (
    update(_MEETINGS)
    .where(_MEETINGS.c.id == bindparam("meeting_id"))
    .values(version=_MEETINGS.c.version + 1)
    .returning(_MEETINGS.c.version, _MEETINGS.c.updated_at)
)
_ORDER = (
    select(AgendaItem.id)
    .where(AgendaItem.meeting_id == bindparam("meeting_id"))
    .order_by(AgendaItem.position, AgendaItem.id)
)
_PLACE = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("item_id"))
    .values(position=bindparam("position"), updated_at=bindparam("updated_at"))
)


def reorder_items(meeting: Meeting, ordered_ids: Sequence[int], *, actor: User) -> list[int]:
    """Put the agenda in the given order; `ordered_ids` must be a permutation of the items.

    The items are neither loaded nor flushed one by one: the order is read as ids and written
    by one UPDATE statement per item in one executemany (a reorder is what a secretary drags
    during the session, and every tablet waits on it)."""
    meeting.ensure_editable()
    ordered = [int(i) for i in ordered_ids]
    if len(set(ordered)) != len(ordered):
        raise ValidationFailed(fields={"order": [_l("Một mục xuất hiện hai lần trong thứ tự.")]})
    before = list(db.session.scalars(_ORDER, {"meeting_id": meeting.id}))
    if set(ordered) != set(before):
        raise AgendaChanged(order=before)
    if before == ordered:
        return ordered
    stamp = utcnow()
    db.session.connection().execute(
        _PLACE,
        [
            {"item_id": item_id, "position": position, "updated_at": stamp}
            for position, item_id in enumerate(ordered, start=1)
        ],
    )
    # What this session holds of the items is stale now (nothing else in it was changed).
    db.session.expire(meeting, ["items"])
    for item_id in ordered:
        item = db.session.identity_map.get(identity_key(AgendaItem, item_id))
        if item is not None:
            db.session.expire(item, ["position", "updated_at"])
    # The meeting's `touch` in one statement, not a flush of the unit of work.
    version, updated_at = db.session.connection().execute(_TOUCH, {"meeting_id": meeting.id}).one()
    set_committed_value(meeting, "version", version)
    set_committed_value(meeting, "updated_at", updated_at)
    record("agenda.reordered", meeting, data={"from": before, "to": ordered}, actor=actor)
    announce("agenda.reordered", meeting, order=ordered)
    return ordered


def move_item(item: AgendaItem, direction: str, *, actor: User) -> None:
    """Move an item one place "up" or down (the keyboard and no-script alternative to dragging)."""
    order = [i.id for i in item.meeting.items]
    index = order.index(item.id)
    step = -1 if direction == "up" else 1
    if 0 <= index + step < len(order):
        order[index], order[index + step] = order[index + step], order[index]
        reorder_items(item.meeting, order, actor=actor)
