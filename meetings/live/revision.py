"""The meetings table as the store of meeting revisions (`cabinet.revisions`), and the facts a
join reads once per revision (`at_revision`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from cabinet.db import db
from cabinet.memo import BoundedMemo
from meetings.models import Meeting

_TABLE = Meeting.__table__
T = TypeVar("T")
#: Plain values (ids, rows as tuples; never objects of a session) per (fact, meeting, revision).
_AT_REVISION: BoundedMemo[Any] = BoundedMemo(size=512)


_BUMP = (
    sa.update(_TABLE)
    .where(_TABLE.c.id.in_(sa.bindparam("ids", expanding=True)))
    .values(revision=_TABLE.c.revision + 1)
    .returning(_TABLE.c.id, _TABLE.c.revision)
)


def bump(session: Session, meeting_ids: list[int]) -> dict[int, int]:
    """Increment the meetings' revisions in the committing transaction; the new values."""
    rows = session.execute(_BUMP, {"ids": meeting_ids})
    revisions = {meeting_id: revision for meeting_id, revision in rows}
    for meeting_id, revision in revisions.items():  # the session's own copies stay current
        meeting = session.identity_map.get(identity_key(Meeting, meeting_id))
        if meeting is not None:
            set_committed_value(meeting, "revision", revision)
    return revisions


def read(meeting_ids: Iterable[int]) -> dict[int, int]:
    """The committed revisions of these meetings."""
    ids = list(meeting_ids)
    rows = db.session.execute(sa.select(_TABLE.c.id, _TABLE.c.revision).where(_TABLE.c.id.in_(ids)))
    return {meeting_id: revision for meeting_id, revision in rows}


def at_revision(meeting: Meeting, fact: str, read: Callable[[], T]) -> T:
    """`read()` once per revision of `meeting` and shared by every join at that revision: the
    meeting-wide facts of a snapshot (the item under discussion, whether a vote is open or a
    paper shown, the newest closed votes), which change only with a change the tablets are
    told about, and that change bumps the revision. Only for a transaction that has changed
    nothing (a join): its own uncommitted change would not have bumped it yet. `read` returns
    plain values; an object is read again from them in the caller's session."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        return read()
    key = (fact, meeting.id, meeting.created_at, meeting.revision)
    found: T = _AT_REVISION.get_or_build(key, read)
    return found
