"""Business operations on meetings and agendas. They flush and queue events; callers commit.

Every change is audited (`cabinet.audit.record`) and announced to the meeting's room with
`cabinet.realtime.emit_after_commit`, so tablets hear of it only once it is durable. Paper
operations live in `meetings.papers` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.errors import Conflict, ValidationFailed
from cabinet.realtime import emit_after_commit, meeting_room, user_room
from cabinet.users.models import Role, User
from cabinet.users.services import all_members
from meetings.models import (
    AgendaItem,
    Meeting,
    MeetingParticipant,
    MeetingState,
    Paper,
    ParticipantRole,
    item_invitees,
)
from meetings.papers import (  # noqa: F401  (re-exported: one services module per package)
    add_paper,
    add_version,
    last_reads,
    paper_dict,
    record_read,
    set_classification,
    withdraw_paper,
)
from meetings.permissions import MEETING_ID_HOOKS

MEETING_FIELDS = ("kind", "title", "number", "starts_at", "ends_at", "place", "form", "chair_id")
ITEM_FIELDS = (
    "title",
    "summary",
    "kind",
    "ministry",
    "presenter",
    "planned_minutes",
    "restricted",
)


class AgendaChanged(Conflict):
    """The reorder was computed from an agenda that has changed since."""

    code = "agenda.stale"
    default_message = _l(
        "Chương trình họp vừa được thay đổi ở nơi khác. Trang đã được cập nhật, hãy sắp xếp lại."
    )


# -- meetings -----------------------------------------------------------------------------


def _users(ids: Iterable[int] | None) -> list[User]:
    ids = list(dict.fromkeys(ids or ()))
    if not ids:
        return []
    found = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed(fields={"users": [_l("Không tìm thấy người dùng được chọn.")]})
    return [found[i] for i in ids]


def _set_participants(meeting: Meeting, member_ids, invitee_ids) -> None:
    """Replace the invitation list, keeping rows (and their ids) that do not change."""
    wanted: dict[int, ParticipantRole] = {}
    for user in _users(invitee_ids):
        wanted[user.id] = ParticipantRole.INVITEE
    for user in _users(member_ids):
        wanted[user.id] = ParticipantRole.MEMBER
    if meeting.chair_id is not None:
        wanted.setdefault(meeting.chair_id, ParticipantRole.MEMBER)
    for part in list(meeting.participants):
        role = wanted.pop(part.user_id, None)
        if role is None:
            meeting.participants.remove(part)
        else:
            part.role = role
    for user_id, role in wanted.items():
        meeting.participants.append(MeetingParticipant(user_id=user_id, role=role))


def meeting_dict(meeting: Meeting) -> dict[str, Any]:
    """The meeting's own fields as sent to clients."""
    return {
        "id": meeting.id,
        "kind": str(meeting.kind),
        "title": meeting.title,
        "number": meeting.number,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat() if meeting.ends_at else None,
        "place": meeting.place,
        "form": str(meeting.form),
        "chair": {"id": meeting.chair.id, "name": meeting.chair.name} if meeting.chair else None,
        "state": str(meeting.state),
        "version": meeting.version,
    }


def _emit(event: str, meeting: Meeting, /, **payload: Any) -> None:
    emit_after_commit(
        event,
        {"meeting_id": meeting.id, "version": meeting.version, **payload},
        room=meeting_room(meeting.id),
    )


def create_meeting(data: dict[str, Any], *, actor: User) -> Meeting:
    """Create a draft meeting; all cabinet members are invited unless `member_ids` is given."""
    meeting = Meeting(state=MeetingState.DRAFT, created_by_id=actor.id)
    for name in MEETING_FIELDS:
        if name in data:
            setattr(meeting, name, data[name])
    member_ids = data.get("member_ids")
    if member_ids is None:
        member_ids = [u.id for u in all_members()]
    db.session.add(meeting)
    _set_participants(meeting, member_ids, data.get("invitee_ids") or [])
    db.session.flush()
    record("meeting.created", meeting, data={"title": meeting.title}, actor=actor)
    return meeting


def update_meeting(meeting: Meeting, data: dict[str, Any], *, actor: User) -> Meeting:
    """Change a meeting's details and invitation list."""
    meeting.ensure_editable()
    changed = [n for n in MEETING_FIELDS if n in data and getattr(meeting, n) != data[n]]
    for name in changed:
        setattr(meeting, name, data[name])
    if "member_ids" in data or "invitee_ids" in data:
        current = meeting.participants
        members = data.get("member_ids")
        if members is None:
            members = [p.user_id for p in current if p.role == ParticipantRole.MEMBER]
        invitees = data.get("invitee_ids")
        if invitees is None:
            invitees = [p.user_id for p in current if p.role == ParticipantRole.INVITEE]
        before = {(p.user_id, p.role) for p in current}
        _set_participants(meeting, members, invitees)
        if before != {(p.user_id, p.role) for p in meeting.participants}:
            changed.append("participants")
    if not changed:
        return meeting
    meeting.touch()
    db.session.flush()
    record("meeting.updated", meeting, data={"fields": changed}, actor=actor)
    _emit("meeting.updated", meeting, meeting=meeting_dict(meeting), fields=changed)
    return meeting


def papers_ahead_warning(meeting: Meeting) -> Any:
    """The papers-ahead rule: a warning when the session is closer than the configured days."""
    days = settings().papers_ahead_days
    left = meeting.starts_at - utcnow()
    if left >= timedelta(days=days):
        return None
    if left < timedelta(0):
        return _l("Thời gian họp đã qua: tài liệu không thể gửi trước cho các thành viên.")
    return _l(
        "Tài liệu cần gửi tới thành viên ít nhất %(days)s ngày trước phiên họp; "
        "phiên họp này chỉ còn %(hours)s giờ.",
        days=days,
        hours=int(left.total_seconds() // 3600),
    )


def publish_meeting(meeting: Meeting, *, actor: User) -> list[Any]:
    """Publish the agenda to participants; returns warnings to show (the papers-ahead rule,
    an empty agenda) — they never block publishing."""
    warnings, codes = [], []
    if (warning := papers_ahead_warning(meeting)) is not None:
        warnings.append(warning)
        codes.append("papers_ahead")
    if not meeting.items:
        warnings.append(_l("Chương trình họp chưa có nội dung nào."))
        codes.append("empty_agenda")
    change_state(meeting, MeetingState.PUBLISHED, actor=actor, data={"warnings": codes})
    return warnings


_STATE_ACTIONS = {
    MeetingState.PUBLISHED: ("publish", "meeting.published"),
    MeetingState.DRAFT: ("unpublish", "meeting.unpublished"),
    MeetingState.IN_SESSION: ("open_session", "meeting.opened"),
    MeetingState.CLOSED: ("close_session", "meeting.closed"),
    MeetingState.ARCHIVED: ("archive", "meeting.archived"),
}


def change_state(
    meeting: Meeting, target: MeetingState, *, actor: User, data: dict | None = None
) -> Meeting:
    """Move the meeting to `target` through the model's state machine; audit and announce it."""
    target = MeetingState(target)
    previous = MeetingState(meeting.state)
    method, action = _STATE_ACTIONS[target]
    getattr(meeting, method)()
    db.session.flush()
    record(
        action,
        meeting,
        data={"from": str(previous), "to": str(target), **(data or {})},
        actor=actor,
    )
    _emit(
        "meeting.state_changed",
        meeting,
        state=str(target),
        previous=str(previous),
        meeting=meeting_dict(meeting),
    )
    if {previous, target} & {MeetingState.DRAFT} or target == MeetingState.PUBLISHED:
        # People outside the room ("My meetings") learn that a meeting appeared or went away.
        for user_id in meeting.participant_ids() | meeting.item_invitee_ids():
            emit_after_commit(
                "meeting.state_changed",
                {"meeting_id": meeting.id, "state": str(target), "previous": str(previous)},
                room=user_room(user_id),
            )
    return meeting


# -- agenda -------------------------------------------------------------------------------


def item_dict(item: AgendaItem) -> dict[str, Any]:
    """An agenda item's fields as sent to clients (without papers)."""
    return {
        "id": item.id,
        "position": item.position,
        "title": item.title,
        "summary": item.summary,
        "kind": str(item.kind),
        "ministry": item.ministry,
        "presenter": item.presenter,
        "planned_minutes": item.planned_minutes,
        "restricted": item.restricted,
        "invitees": [{"id": u.id, "name": u.name} for u in item.invitees],
    }


def _item_event(event: str, item: AgendaItem, **extra: Any) -> None:
    """Announce an item change; a restricted item's content is never broadcast, only its id."""
    meeting = item.meeting
    if item.restricted:
        _emit(event, meeting, item_id=item.id, restricted=True, **extra)
    else:
        _emit(event, meeting, item_id=item.id, item=item_dict(item), **extra)


def add_item(meeting: Meeting, data: dict[str, Any], *, actor: User) -> AgendaItem:
    """Append an item to the agenda."""
    meeting.ensure_editable()
    item = AgendaItem(position=len(meeting.items) + 1)
    for name in ITEM_FIELDS:
        if name in data:
            setattr(item, name, data[name])
    meeting.items.append(item)
    if "invitee_ids" in data:
        item.invitees = _users(data["invitee_ids"])
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
        invitees = _users(data["invitee_ids"])
        if {u.id for u in invitees} != {u.id for u in item.invitees}:
            item.invitees = invitees
            changed.append("invitees")
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
    _emit("agenda.item_removed", meeting, item_id=item_id, order=[i.id for i in meeting.items])


def reorder_items(meeting: Meeting, ordered_ids: Sequence[int], *, actor: User) -> list[int]:
    """Put the agenda in the given order; `ordered_ids` must be a permutation of the items."""
    meeting.ensure_editable()
    ordered = [int(i) for i in ordered_ids]
    if len(set(ordered)) != len(ordered):
        raise ValidationFailed(fields={"order": [_l("Một mục xuất hiện hai lần trong thứ tự.")]})
    by_id = {item.id: item for item in meeting.items}
    if set(ordered) != set(by_id):
        raise AgendaChanged(order=[i.id for i in meeting.items])
    before = [i.id for i in meeting.items]
    if before == ordered:
        return ordered
    for position, item_id in enumerate(ordered, start=1):
        by_id[item_id].position = position
    meeting.items.sort(key=lambda i: i.position)
    meeting.touch()
    db.session.flush()
    record("agenda.reordered", meeting, data={"from": before, "to": ordered}, actor=actor)
    _emit("agenda.reordered", meeting, order=ordered)
    return ordered


# -- reading ------------------------------------------------------------------------------


def load_meeting(meeting_id: int) -> Meeting | None:
    """A meeting with its agenda, papers and versions loaded in a few queries."""
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.participants),
            selectinload(Meeting.items).selectinload(AgendaItem.invitees),
            selectinload(Meeting.items)
            .selectinload(AgendaItem.papers)
            .selectinload(Paper.versions),
            selectinload(Meeting.items).selectinload(AgendaItem.papers).selectinload(Paper.readers),
        )
    )


def visible_items(meeting: Meeting, user: User) -> list[AgendaItem]:
    """The agenda items `user` may read, in order."""
    return [item for item in meeting.items if item.can_read(user)]


def meeting_state(meeting: Meeting, user: User) -> dict[str, Any]:
    """The full snapshot of a meeting for one person: what a (re)joining tablet renders."""
    items = visible_items(meeting, user)
    papers = [p for item in items for p in item.papers if p.can_see(user)]
    reads = last_reads(papers, user)
    return {
        "meeting": meeting_dict(meeting),
        "can_manage": meeting.can_manage(user),
        "items": [
            {
                **item_dict(item),
                "papers": [
                    paper_dict(p, user, reads.get(p.id)) for p in item.papers if p.can_see(user)
                ],
            }
            for item in items
        ],
        "server_time": utcnow().isoformat(),
    }


def list_meetings(*, states: Iterable[MeetingState] | None = None) -> list[Meeting]:
    """All meetings for the secretariat, newest first."""
    query = select(Meeting).options(selectinload(Meeting.chair)).order_by(Meeting.starts_at.desc())
    if states:
        query = query.where(Meeting.state.in_(list(states)))
    return list(db.session.scalars(query))


def my_meetings(user: User) -> dict[str, list[Meeting]]:
    """A person's meetings split into in session, upcoming and past (drafts are not shown)."""
    invited = select(MeetingParticipant.meeting_id).where(MeetingParticipant.user_id == user.id)
    for_items = (
        select(AgendaItem.meeting_id)
        .join(item_invitees, item_invitees.c.item_id == AgendaItem.id)
        .where(item_invitees.c.user_id == user.id)
    )
    query = (
        select(Meeting)
        .where(Meeting.state != MeetingState.DRAFT)
        .options(selectinload(Meeting.chair), selectinload(Meeting.items))
    )
    if not user.has_role(Role.SECRETARIAT):
        extra = [i for hook in MEETING_ID_HOOKS for i in hook(user)]
        query = query.where(
            or_(
                Meeting.id.in_(invited),
                Meeting.id.in_(for_items),
                Meeting.chair_id == user.id,
                Meeting.id.in_(extra),
            )
        )
    meetings = list(db.session.scalars(query.order_by(Meeting.starts_at)))
    return {
        "in_session": [m for m in meetings if m.state == MeetingState.IN_SESSION],
        "upcoming": [m for m in meetings if m.state == MeetingState.PUBLISHED],
        "past": sorted(
            (m for m in meetings if m.state in (MeetingState.CLOSED, MeetingState.ARCHIVED)),
            key=lambda m: m.starts_at,
            reverse=True,
        ),
    }
