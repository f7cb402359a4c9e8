"""Reading meetings: lists for the secretariat and for each person, and a person's snapshot."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from cabinet import packet_json
from cabinet.db import db, utcnow
from cabinet.memo import BoundedMemo
from cabinet.users.models import Role, User
from meetings.agenda_facts import facts_of, visible_facts
from meetings.loaders import fetch_meeting
from meetings.models import AgendaItem, Meeting, MeetingParticipant, MeetingState, item_invitees
from meetings.papers.files import read_versions
from meetings.permissions import MEETING_ID_HOOKS
from meetings.schemas import MeetingStateSchema, read_marks, viewing


def visible_items(meeting: Meeting, user: User) -> list[AgendaItem]:
    """The agenda items `user` may read, in order."""
    return [item for item in meeting.items if item.can_read(user)]


#: The agenda part of recent snapshots, per meeting state and audience (`_agenda_key`).
_AGENDA_DUMPS: BoundedMemo[dict[str, Any]] = BoundedMemo(size=64)
#: Their items as JSON, per dump, item and the read marks laid over it (`_encoded_item`).
_ITEM_JSON: BoundedMemo[packet_json.Encoded] = BoundedMemo(size=2048)


def meeting_state(meeting: Meeting, user: User, *, encoded: bool = False) -> dict[str, Any]:
    """The full snapshot of a meeting for one person: what a (re)joining tablet renders.

    The agenda is dumped once per meeting state and audience (the items and papers a person
    may see, and whether they manage it) and shared by everyone in that audience; what is
    theirs alone (the versions they last read) and the time are laid over it. The audience is
    found from the agenda's facts (plain rows, `meetings.agenda_facts`); the agenda's objects
    are loaded only when no dump for it is kept, and that dump is keyed by what it was made of.
    `encoded`: the items as JSON already (`cabinet.packet_json`), for the join's ack: each item
    with a person's read marks is encoded once and sent to everyone with the same marks."""
    can_manage = meeting.can_manage(user)
    items, seen = visible_facts(meeting, facts_of(meeting), user)
    key = _agenda_key(
        meeting,
        can_manage,
        ((i.id, i.updated_at, i.invitee_ids) for i in items),
        ((p.id, p.updated_at, p.current_version_id, p.versions) for p in seen),
    )
    shared = _AGENDA_DUMPS.get(key)
    if shared is None:
        key, shared = _agenda_dump(meeting, user, can_manage)
    reads = read_versions([p["id"] for i in shared["items"] for p in i["papers"]], user)
    overlay = functools.partial(_encoded_item, key) if encoded else _with_reads
    return {
        **shared,
        "items": [overlay(item, reads) for item in shared["items"]],
        "server_time": utcnow().isoformat(),  # as the schema dumps it (ISO 8601)
    }


def _agenda_dump(meeting: Meeting, user: User, can_manage: bool) -> tuple[Any, dict[str, Any]]:
    """The shared dump made from the agenda's objects, kept under the key of what it holds;
    that key and the dump."""
    fetch_meeting(meeting.id)  # the items, papers, versions and readers of this meeting
    items = visible_items(meeting, user)
    seen = [p for item in items for p in item.papers if p.can_see(user)]

    def dump() -> dict[str, Any]:
        with viewing(user, {}):
            return MeetingStateSchema(exclude=("server_time",)).dump(
                {"meeting": meeting, "can_manage": can_manage, "items": items}
            )

    key = _agenda_key(
        meeting,
        can_manage,
        ((i.id, i.updated_at, i.invitee_ids()) for i in items),
        (
            (
                p.id,
                p.updated_at,
                p.current_version_id,
                tuple((v.id, v.readable, v.page_count) for v in p.versions),
            )
            for p in seen
        ),
    )
    return key, _AGENDA_DUMPS.get_or_build(key, dump)


def _agenda_key(
    meeting: Meeting, manage: bool, items: Iterable[tuple], papers: Iterable[tuple]
) -> Any:
    """What the agenda dump is made of: the meeting's revision and stamps, and for each item
    the person reads `(id, stamp, invitee ids)`, for each paper they see `(id, stamp, current
    version, versions)`. Two people with the same key get the same dump (rows that change
    without a revision bump change the key too); the key is the same whether read from the
    objects or from the facts."""
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
        tuple((item_id, stamp, frozenset(invitees)) for item_id, stamp, invitees in items),
        tuple(papers),
    )


def _encoded_item(key: Any, item: dict[str, Any], reads: dict[int, int]) -> packet_json.Encoded:
    """`_with_reads(item, reads)` as JSON, kept per dump, item and read marks: the dump's key
    says what the item holds, the versions read of its papers what is laid over it."""
    marks = tuple(reads.get(paper["id"]) for paper in item["papers"])
    return _ITEM_JSON.get_or_build(
        (key, item["id"], marks), lambda: packet_json.encoded(_with_reads(item, reads))
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
