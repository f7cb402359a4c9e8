"""Business operations on meetings. They flush and queue events; the caller's unit of work
commits.

Every change is audited (`cabinet.audit.record`) and announced to the meeting's room after
the commit (`meetings.events.announce`), so tablets hear of it only once it is durable. The
agenda (`meetings.agenda`), papers (`meetings.papers`) and reading (`meetings.queries`)
operations are re-exported here: other packages, the demo and the tests use this one module.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from cabinet.audit import record
from cabinet.config import settings
from cabinet.dates import local, ui_datetime
from cabinet.db import db, utcnow
from cabinet.realtime import emit_after_commit, user_room
from cabinet.users.models import User
from cabinet.users.services import all_members
from meetings.agenda import (  # noqa: F401  (re-exported)
    AgendaChanged,
    add_item,
    item_dict,
    move_item,
    remove_item,
    reorder_items,
    update_item,
)
from meetings.audience import every_person_id, evict_who_lost
from meetings.events import announce
from meetings.live.session import close_session, open_session
from meetings.models import Meeting, MeetingParticipant, MeetingState, ParticipantRole
from meetings.notices import notify_invitees
from meetings.papers import (  # noqa: F401  (re-exported)
    add_paper,
    add_version,
    content_store,
    last_reads,
    record_read,
    set_classification,
    withdraw_paper,
)
from meetings.people import find_users
from meetings.queries import (  # noqa: F401  (re-exported)
    list_meetings,
    meeting_state,
    my_meetings,
    visible_items,
)
from meetings.schemas import MeetingFieldsSchema

MEETING_FIELDS = ("kind", "title", "number", "starts_at", "ends_at", "place", "form", "chair_id")
NO_SUCH_USER = _l("Không tìm thấy người dùng được chọn.")


def meeting_dict(meeting: Meeting) -> dict[str, Any]:
    """The meeting's own fields as sent to clients."""
    return MeetingFieldsSchema().dump(meeting)


def _set_participants(meeting: Meeting, member_ids: Any, invitee_ids: Any) -> None:
    """Replace the invitation list, keeping rows (and their ids) that do not change."""
    wanted: dict[int, ParticipantRole] = {}
    for user in find_users(invitee_ids, field="users", message=NO_SUCH_USER):
        wanted[user.id] = ParticipantRole.INVITEE
    for user in find_users(member_ids, field="users", message=NO_SUCH_USER):
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


def _check_chair(data: dict[str, Any]) -> None:
    if data.get("chair_id") is not None:
        find_users([data["chair_id"]], field="chair_id", message=NO_SUCH_USER)


def create_meeting(data: dict[str, Any], *, actor: User) -> Meeting:
    """Create a draft meeting; all cabinet members are invited unless `member_ids` is given."""
    _check_chair(data)
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
    _check_chair(data)
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
            evict_who_lost(meeting, {uid for uid, _role in before}, "uninvited")
    if not changed:
        return meeting
    meeting.touch()
    db.session.flush()
    record("meeting.updated", meeting, data={"fields": changed}, actor=actor)
    announce("meeting.updated", meeting, meeting=meeting_dict(meeting), fields=changed)
    if {"starts_at", "ends_at", "place"} & set(changed):
        notify_invitees(meeting, "moved")
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


def opening_day_warning(meeting: Meeting) -> Any:
    """A session planned for another day than today (in the cabinet's time zone) is named
    when someone opens it: next week's session is not opened by mistake without a word."""
    if local(meeting.starts_at).date() == local(utcnow()).date():
        return None
    return _l(
        "Lưu ý: phiên họp này dự kiến vào %(d)s, không phải hôm nay.",
        d=ui_datetime(meeting.starts_at),
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
    notify_invitees(meeting, "published")
    return warnings


_STATE_ACTIONS = {
    MeetingState.PUBLISHED: ("publish", "meeting.published"),
    MeetingState.DRAFT: ("unpublish", "meeting.unpublished"),
    MeetingState.IN_SESSION: ("open_session", "meeting.opened"),
    MeetingState.CLOSED: ("close_session", "meeting.closed"),
    MeetingState.ARCHIVED: ("archive", "meeting.archived"),
}

#: The moves the chair may make besides the secretariat (the others are the secretariat's).
CHAIR_MOVES = frozenset({MeetingState.IN_SESSION, MeetingState.CLOSED})


def move_meeting(meeting: Meeting, target: MeetingState, *, actor: User) -> list[Any]:
    """Move the meeting to `target` (publishing checks the papers-ahead rule); returns the
    warnings to show."""
    if MeetingState(target) == MeetingState.PUBLISHED:
        return publish_meeting(meeting, actor=actor)
    if MeetingState(target) == MeetingState.IN_SESSION:
        # The same opening whatever the door (console, page, API): the live session starts, the
        # chair who opens it is counted present, the first item becomes current.
        open_session(meeting, actor)
        return []
    if MeetingState(target) == MeetingState.CLOSED:
        # The one guarded path, whatever the door (socket, API, page): an open vote refuses,
        # the timer stops, the minutes are drafted.
        close_session(meeting, actor)
        return []
    change_state(meeting, target, actor=actor)
    return []


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
    announce(
        "meeting.state_changed",
        meeting,
        state=str(target),
        previous=str(previous),
        meeting=meeting_dict(meeting),
    )
    if target == MeetingState.DRAFT:
        evict_who_lost(meeting, every_person_id(), "unpublished")
    if {previous, target} & {MeetingState.DRAFT} or target == MeetingState.PUBLISHED:
        # People outside the room ("My meetings") learn that a meeting appeared or went away.
        for user_id in meeting.participant_ids() | meeting.item_invitee_ids():
            emit_after_commit(
                "meeting.state_changed",
                {"meeting_id": meeting.id, "state": str(target), "previous": str(previous)},
                room=user_room(user_id),
            )
    return meeting
