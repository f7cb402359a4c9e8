"""Reading meetings: lists for the secretariat and for each person, and a person's snapshot."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from cabinet.db import db, utcnow
from cabinet.users.models import Role, User
from meetings.models import AgendaItem, Meeting, MeetingParticipant, MeetingState, item_invitees
from meetings.papers.files import last_reads
from meetings.permissions import MEETING_ID_HOOKS
from meetings.schemas import MeetingStateSchema, viewing


def visible_items(meeting: Meeting, user: User) -> list[AgendaItem]:
    """The agenda items `user` may read, in order."""
    return [item for item in meeting.items if item.can_read(user)]


def meeting_state(meeting: Meeting, user: User) -> dict[str, Any]:
    """The full snapshot of a meeting for one person: what a (re)joining tablet renders."""
    items = visible_items(meeting, user)
    reads = last_reads([p for item in items for p in item.papers if p.can_see(user)], user)
    with viewing(user, reads):
        return MeetingStateSchema().dump(
            {
                "meeting": meeting,
                "can_manage": meeting.can_manage(user),
                "items": items,
                "server_time": utcnow(),
            }
        )


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
