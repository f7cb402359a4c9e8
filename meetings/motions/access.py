"""Who may write motions: the secretariat prepares them; the chair (or the secretariat at the
console) adds amendments during the session. Everyone who may read the item reads them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cabinet.db import db
from cabinet.errors import NotFound
from meetings.loaders import check_meeting, load_item
from meetings.models import AgendaItem
from meetings.motions.models import Motion

PREPARE_ONLY = _l("Chỉ Văn phòng Chính phủ chuẩn bị dự thảo kết luận.")


def check_write(item: AgendaItem, *, amendment: bool) -> AgendaItem:
    """Raise Forbidden unless the person may add (or change) this kind of motion on `item`."""
    if amendment:
        check_meeting(item.meeting, "conduct")
    else:
        check_meeting(item.meeting, "manage", message=PREPARE_ONLY)
    return item


def load_motion(motion_id: int, need: str = "read") -> Motion:
    """The motion `motion_id` if the person may read (or, `need="write"`, change) it."""
    motion = db.session.get(Motion, motion_id)
    if motion is None:
        raise NotFound()
    item = load_item(motion.item_id, need="read")
    if need == "write":
        check_write(item, amendment=motion.is_amendment)
    return motion


def load_parent(item: AgendaItem, parent_id: int | None) -> Motion | None:
    """The motion an amendment amends (of the same item), or None for a new motion."""
    if parent_id is None:
        return None
    parent = db.session.get(Motion, parent_id)
    if parent is None or parent.item_id != item.id:
        raise NotFound()
    return parent
