"""Meeting revisions: a number that grows with every committed change a tablet shows.

Every broadcast about a meeting carries the revision its commit produced, the `meeting.join`
snapshot carries the revision it was read at, and each worker's heartbeat (`cabinet.heartbeat`)
carries the latest committed one. A tablet that sees a gap, or a revision newer than the one it
holds, resyncs with `meeting.join` — so a lost broadcast is healed within one heartbeat.

The revision is bumped at the commit (`before_commit`, one `UPDATE` per meeting and commit, in
id order), so revisions follow the commit order: the row lock serialises two commits that touch
the same meeting. The store is the meetings package's (`register_revision_store`): the core does
not know the meetings table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from cabinet.db import commit_queue, take_queue

_PENDING = "ecabinet.revisions"
Bump = Callable[[Session, list[int]], dict[int, int]]
Read = Callable[[Iterable[int]], dict[int, int]]
_store: dict[str, Any] = {}


def register_revision_store(bump: Bump, read: Read) -> None:
    """`bump(session, ids)` increments and returns the ids' revisions inside the committing
    transaction; `read(ids)` returns their committed revisions."""
    _store.update(bump=bump, read=read)


def stamp_at_commit(meeting_id: int, payload: dict[str, Any]) -> None:
    """At the commit, bump the meeting's revision and write it into `payload["revision"]`."""
    commit_queue(_PENDING).append((meeting_id, payload))


def read_revisions(meeting_ids: Iterable[int]) -> dict[int, int]:
    """The committed revisions of these meetings (those that exist)."""
    reader = _store.get("read")
    return reader(meeting_ids) if reader else {}


@event.listens_for(Session, "before_commit")
def _bump_revisions(session: Session) -> None:
    if session.in_nested_transaction() or "bump" not in _store:
        return
    pending = take_queue(session, _PENDING)
    if not pending:
        return
    revisions = _store["bump"](session, sorted({meeting_id for meeting_id, _ in pending}))
    for meeting_id, payload in pending:
        if meeting_id in revisions:
            payload["revision"] = revisions[meeting_id]
