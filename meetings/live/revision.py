"""The meetings table as the store of meeting revisions (`cabinet.revisions`)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from cabinet.db import db
from meetings.models import Meeting

_TABLE = Meeting.__table__


def bump(session: Session, meeting_ids: list[int]) -> dict[int, int]:
    """Increment the meetings' revisions in the committing transaction; the new values."""
    rows = session.execute(
        sa.update(_TABLE)
        .where(_TABLE.c.id.in_(meeting_ids))
        .values(revision=_TABLE.c.revision + 1)
        .returning(_TABLE.c.id, _TABLE.c.revision)
    )
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
