"""A locked record is final and a final or issued one keeps its text, whoever writes: the
guard runs at every flush, not only in the services."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from records.models.decisions import DecisionRecord
from records.models.lifecycle import EDITABLE, RecordLocked, RecordState, RecordStateError
from records.models.minutes import Minutes, MinutesComment, MinutesRevision

#: What a record's text is made of: frozen once it is final or issued.
FROZEN = {"content", "meeting_id", "kind", "ballot_id", "doc_type", "title"}


@event.listens_for(Session, "before_flush")
def refuse_changes_to_locked_records(session: Session, flush_context: Any, instances: Any) -> None:
    """Refuse to delete a record past draft, to change a locked one, or the text of a final one."""
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, Minutes | DecisionRecord):
            continue
        state = sa.inspect(obj).attrs.state.history
        was = RecordState(state.deleted[0] if state.deleted else obj.state)
        if obj in session.deleted and was != RecordState.DRAFT:
            raise RecordLocked() if was == RecordState.LOCKED else RecordStateError()
        if was == RecordState.LOCKED and session.is_modified(obj, include_collections=False):
            raise RecordLocked()
        if was not in EDITABLE and was != RecordState.DRAFT:
            changed = {
                attr.key for attr in sa.inspect(obj).attrs if attr.history.has_changes()
            } & FROZEN
            if changed:
                raise RecordStateError(
                    _l("Văn bản đã chốt; muốn sửa phải trả về dự thảo trước."),
                    fields=sorted(changed),
                )
    for obj in session.new:
        if isinstance(obj, MinutesComment | MinutesRevision):
            minutes = (
                obj.minutes if obj.minutes is not None else session.get(Minutes, obj.minutes_id)
            )
            if minutes is not None and minutes.state == RecordState.LOCKED:
                raise RecordLocked()
