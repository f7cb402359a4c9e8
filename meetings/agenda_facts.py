"""A meeting's agenda as plain rows: what a join needs to decide what a person sees.

`fetch_meeting` builds the agenda as ORM objects (items, invitees, papers, versions, readers),
which is most of a `meeting.join`'s CPU; the shared agenda dump is found from a key, and the key
needs only ids, stamps and the sets the access rules read. These are read here as plain rows in
two small queries, frozen, and judged by the same rules as the models
(`meetings.models.rules`). The ORM graph is built only when the dump has to be made.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, event, literal, select, union_all
from sqlalchemy.orm import object_session

from cabinet.db import db, transaction_marks
from meetings.models import (
    AgendaItem,
    Classification,
    Meeting,
    Paper,
    PaperReader,
    PaperVersion,
    item_invitees,
)
from meetings.models.rules import item_readable, paper_visible


@dataclass(frozen=True, slots=True)
class PaperFacts:
    """What the rules and the dump key need of a paper."""

    id: int
    updated_at: datetime
    current_version_id: int | None
    classified: bool
    reader_ids: frozenset[int]
    #: (id, readable, page_count) of each version, by number.
    versions: tuple[tuple[int, bool, int | None], ...]


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What the rules and the dump key need of an agenda item."""

    id: int
    updated_at: datetime
    restricted: bool
    invitee_ids: frozenset[int]
    papers: tuple[PaperFacts, ...]


def _statements() -> tuple[Any, Any]:
    """The two reads, built once (Core: no ORM compile or result machinery per join): the
    items with their papers and versions, outer-joined in agenda, paper and version order;
    the invitees of the items and the readers of the papers, as one list of sets."""
    meeting = bindparam("meeting_id")
    items_t, papers_t = AgendaItem.__table__, Paper.__table__
    versions_t, readers_t = PaperVersion.__table__, PaperReader.__table__
    of_meeting = select(items_t.c.id).where(items_t.c.meeting_id == meeting)
    of_papers = select(papers_t.c.id).where(papers_t.c.item_id.in_(of_meeting))
    agenda = (
        select(
            items_t.c.id,
            items_t.c.updated_at,
            items_t.c.restricted,
            papers_t.c.id,
            papers_t.c.updated_at,
            papers_t.c.current_version_id,
            papers_t.c.classification,
            versions_t.c.id,
            versions_t.c.pdf_sha256.is_not(None),
            versions_t.c.page_count,
        )
        .select_from(
            items_t.outerjoin(papers_t, papers_t.c.item_id == items_t.c.id).outerjoin(
                versions_t, versions_t.c.paper_id == papers_t.c.id
            )
        )
        .where(items_t.c.meeting_id == meeting)
        .order_by(items_t.c.position, items_t.c.id, papers_t.c.id, versions_t.c.number)
    )
    sets = union_all(
        select(literal("invitee"), item_invitees.c.item_id, item_invitees.c.user_id).where(
            item_invitees.c.item_id.in_(of_meeting)
        ),
        select(literal("reader"), readers_t.c.paper_id, readers_t.c.user_id).where(
            readers_t.c.paper_id.in_(of_papers)
        ),
    )
    return agenda, sets


_AGENDA, _SETS = _statements()


def agenda_facts(meeting_id: int) -> tuple[ItemFacts, ...]:
    """The items of meeting `meeting_id` in agenda order, each with its papers (by id)."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        session.flush()  # as the ORM's own reads would: what this transaction changed counts
    run = session.connection().execute
    where = {"meeting_id": meeting_id}
    rows = run(_AGENDA, where).all()
    if not rows:
        return ()
    members: dict[tuple[str, int], set[int]] = defaultdict(set)
    for kind, owner_id, user_id in run(_SETS, where):
        members[kind, owner_id].add(user_id)
    items: dict[int, tuple[datetime, bool]] = {}
    papers: dict[int, dict[int, tuple[Any, ...]]] = defaultdict(dict)
    versions: dict[int, list[tuple[int, bool, int | None]]] = defaultdict(list)
    for item_id, item_at, restricted, paper_id, *paper, version_id, readable, pages in rows:
        items.setdefault(item_id, (item_at, restricted))
        if paper_id is not None:
            papers[item_id].setdefault(paper_id, tuple(paper))
        if version_id is not None:
            versions[paper_id].append((version_id, bool(readable), pages))
    return tuple(
        ItemFacts(
            id=item_id,
            updated_at=updated_at,
            restricted=restricted,
            invitee_ids=frozenset(members.get(("invitee", item_id), ())),
            papers=tuple(
                PaperFacts(
                    id=paper_id,
                    updated_at=paper_at,
                    current_version_id=current,
                    classified=Classification(classification) != Classification.NORMAL,
                    reader_ids=frozenset(members.get(("reader", paper_id), ())),
                    versions=tuple(versions.get(paper_id, ())),
                )
                for paper_id, (paper_at, current, classification) in papers[item_id].items()
            ),
        )
        for item_id, (updated_at, restricted) in items.items()
    )


#: Where a meeting instance keeps its agenda's facts, with the transaction's marks they were
#: read at (`facts_of`).
_KEPT = "_agenda_facts"


def facts_of(meeting: Meeting) -> tuple[ItemFacts, ...]:
    """The facts of `meeting`'s agenda, read once while its transaction changes nothing: a join
    asks for them for the agenda, the item under discussion and the last vote's item. Any
    write, pending change or commit since (`transaction_marks`, the instance expiring) reads
    them again."""
    session = object_session(meeting)
    kept = meeting.__dict__.get(_KEPT)
    if kept is not None and kept[0] == transaction_marks(session):
        return kept[1]
    facts = agenda_facts(meeting.id)  # may flush first: the marks are read after it
    meeting.__dict__[_KEPT] = (transaction_marks(session), facts)
    return facts


def _forget_facts(target: Meeting | None, *_: Any) -> None:
    if target is not None:
        target.__dict__.pop(_KEPT, None)


for _event in ("expire", "refresh", "refresh_flush"):
    event.listen(Meeting, _event, _forget_facts)


def item_facts(meeting: Meeting, item_id: int) -> ItemFacts | None:
    """The facts of item `item_id` of `meeting` (None when it is not on the agenda)."""
    return next((i for i in facts_of(meeting) if i.id == item_id), None)


def item_readable_in(meeting: Meeting, item_id: int, user: Any) -> bool:
    """May `user` read item `item_id` of `meeting`? Judged on the agenda's facts by the models'
    rule, without loading the item or its invitees."""
    item = item_facts(meeting, item_id)
    return item is not None and item_readable(meeting, item.restricted, item.invitee_ids, user)


def visible_facts(
    meeting: Meeting, items: tuple[ItemFacts, ...], user: Any
) -> tuple[list[ItemFacts], list[PaperFacts]]:
    """The items `user` may read and the papers they may see on them (the models' rules)."""
    readable = [i for i in items if item_readable(meeting, i.restricted, i.invitee_ids, user)]
    seen = [
        p
        for item in readable
        for p in item.papers
        if paper_visible(meeting, p.classified, p.reader_ids, lambda: True, user)
    ]
    return readable, seen
