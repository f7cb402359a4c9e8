"""Reading meetings: lists for the secretariat and for each person, and a person's snapshot."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from cabinet.db import db, utcnow
from cabinet.memo import BoundedMemo
from cabinet.users.models import Role, User
from meetings.models import AgendaItem, Meeting, MeetingParticipant, MeetingState, item_invitees
from meetings.papers.files import last_reads
from meetings.permissions import MEETING_ID_HOOKS
from meetings.schemas import MeetingStateSchema, read_marks, viewing


def visible_items(meeting: Meeting, user: User) -> list[AgendaItem]:
    """The agenda items `user` may read, in order."""
    return [item for item in meeting.items if item.can_read(user)]


#: The agenda part of recent snapshots, per meeting state and audience (`_agenda_key`).
_AGENDA_DUMPS: BoundedMemo[dict[str, Any]] = BoundedMemo(size=64)


def meeting_state(meeting: Meeting, user: User) -> dict[str, Any]:
    """The full snapshot of a meeting for one person: what a (re)joining tablet renders.

    The agenda is dumped once per meeting state and audience (the items and papers a person
    may see, and whether they manage it) and shared by everyone in that audience; what is
    theirs alone (the versions they last read) and the time are laid over it."""
    items = visible_items(meeting, user)
    seen = [p for item in items for p in item.papers if p.can_see(user)]
    can_manage = meeting.can_manage(user)

    def dump() -> dict[str, Any]:
        with viewing(user, {}):
            return MeetingStateSchema(exclude=("server_time",)).dump(
                {"meeting": meeting, "can_manage": can_manage, "items": items}
            )

    shared = _AGENDA_DUMPS.get_or_build(_agenda_key(meeting, items, seen, can_manage), dump)
    reads = last_reads(seen, user)
    return {
        **shared,
        "items": [_with_reads(item, reads) for item in shared["items"]],
        "server_time": utcnow().isoformat(),  # as the schema dumps it (ISO 8601)
    }


def _agenda_key(meeting: Meeting, items: list[AgendaItem], seen: list[Any], manage: bool) -> Any:
    """What the agenda dump is made of: the meeting's revision and stamps, and for each item
    and paper the person sees its stamp, invitees and versions. Two people with the
    same key get the same dump (rows that change without a revision bump change the key too)."""
    return (
        meeting.id,
        meeting.created_at,
        meeting.updated_at,
        meeting.revision,
        meeting.version,
        str(meeting.state),
        meeting.phase,
        meeting.chair_id,
        manage,
        tuple((i.id, i.updated_at, tuple(u.id for u in i.invitees)) for i in items),
        tuple(
            (
                p.id,
                p.updated_at,
                p.current_version_id,
                tuple((v.id, v.readable, v.page_count) for v in p.versions),
            )
            for p in seen
        ),
    )


def _with_reads(item: dict[str, Any], reads: dict[int, int]) -> dict[str, Any]:
    """An item of the shared dump with this person's read marks on its papers."""
    return {
        **item,
        "papers": [
            {
                **paper,
                **read_marks(reads.get(paper["id"]), (paper["current"] or {}).get("number", 0)),
            }
            for paper in item["papers"]
        ],
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
