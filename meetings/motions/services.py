"""Prepared motions: written by the secretariat before the session, amended during it, locked
once a vote was opened on them. The caller has checked access (`meetings.motions.access`);
these functions enforce the state rules, write the audit log and announce the change."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from cabinet.audit import record
from cabinet.db import db
from cabinet.errors import InvalidState, NotFound
from meetings import hooks
from meetings.audience import announce_to
from meetings.events import announce
from meetings.models import AgendaItem
from meetings.motions.models import Motion, MotionKind


class AmendmentOutsideSession(InvalidState):
    """Amendments are added while the session sits."""

    code = "motion.not_in_session"
    default_message = _l("Chỉ thêm sửa đổi khi phiên họp đang diễn ra.")


class AmendmentOfAmendment(InvalidState):
    """An amendment amends a prepared motion, not another amendment."""

    code = "motion.nested"
    default_message = _l("Chỉ thêm sửa đổi cho một dự thảo kết luận, không cho một sửa đổi.")


def motions_of(item: AgendaItem) -> list[Motion]:
    """The item's motions in order, each followed by its amendments."""
    tops = db.session.scalars(
        select(Motion)
        .where(Motion.item_id == item.id, Motion.parent_id.is_(None))
        .order_by(Motion.position, Motion.id)
    )
    ordered: list[Motion] = []
    for motion in tops:
        ordered.append(motion)
        ordered.extend(motion.amendments)
    return ordered


def motion_rows(item: AgendaItem) -> list[dict[str, Any]]:
    """The item's motions with the vote opened on each (from the higher layers' hooks)."""
    votes = hooks.motion_parts.merged(item).get("votes", {})
    return [
        {
            "id": m.id,
            "item_id": m.item_id,
            "parent_id": m.parent_id,
            "kind": str(m.kind),
            "position": m.position,
            "label": m.label,
            "text": m.text,
            "created_at": m.created_at,
            "vote": votes.get(m.id),
        }
        for m in motions_of(item)
    ]


def _next_position(item: AgendaItem, parent: Motion | None) -> int:
    parent_match = Motion.parent_id.is_(None) if parent is None else Motion.parent_id == parent.id
    last = db.session.scalar(
        select(func.max(Motion.position)).where(Motion.item_id == item.id, parent_match)
    )
    return (last or 0) + 1


def add_motion(item: AgendaItem, actor: Any, *, text: str, parent: Motion | None = None) -> Motion:
    """Attach a motion to `item` (before or during the session), or an amendment to `parent`
    (during the session only)."""
    meeting = item.meeting
    meeting.ensure_editable()
    if parent is not None:
        if parent.item_id != item.id:
            raise NotFound()
        if parent.is_amendment:
            raise AmendmentOfAmendment()
        if not meeting.in_session:
            raise AmendmentOutsideSession()
    motion = Motion(
        item_id=item.id,
        parent_id=parent.id if parent else None,
        kind=MotionKind.AMENDMENT if parent else MotionKind.MOTION,
        position=_next_position(item, parent),
        text=text.strip(),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(motion)
    db.session.flush()
    if parent is not None:
        db.session.refresh(parent, ["amendments"])
    record("motion.added", motion, data=_audited(motion), actor=actor)
    _announce("motion.added", motion)
    return motion


def update_motion(motion: Motion, actor: Any, *, text: str) -> Motion:
    """Reword a motion nobody has voted on yet."""
    _ensure_changeable(motion)
    before = motion.text
    motion.text = text.strip()
    db.session.flush()
    record("motion.updated", motion, data={**_audited(motion), "before": before}, actor=actor)
    _announce("motion.updated", motion)
    return motion


def remove_motion(motion: Motion, actor: Any) -> None:
    """Take back a motion (and its amendments) nobody has voted on yet."""
    _ensure_changeable(motion)
    for amendment in motion.amendments:
        _ensure_changeable(amendment)
    record("motion.removed", motion, data=_audited(motion), actor=actor)
    _announce("motion.removed", motion)
    db.session.delete(motion)
    db.session.flush()


def _ensure_changeable(motion: Motion) -> None:
    motion.item.meeting.ensure_editable()
    hooks.motion_guards.collect(motion)


def _audited(motion: Motion) -> dict[str, Any]:
    return {
        "item_id": motion.item_id,
        "kind": str(motion.kind),
        "parent_id": motion.parent_id,
        "text": motion.text,
    }


def _announce(event: str, motion: Motion) -> None:
    """Tell everyone who may read the item (a restricted item: its readers only)."""
    item = motion.item
    payload = {"item_id": item.id, "motion_id": motion.id}
    if item.restricted:
        announce_to(
            event, {"meeting_id": item.meeting_id, **payload}, lambda person: item.can_read(person)
        )
    else:
        announce(event, item.meeting, **payload)
