"""Display tokens: created and revoked by the secretariat on the meeting page (audited).

The token is shown once, in the screen's address; the database keeps its SHA-256 only.
Revoking it tells the screen's sockets and disconnects them, on every worker, once committed.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.audit import record
from cabinet.db import db, utcnow
from cabinet.errors import InvalidState, NotFound
from cabinet.extensions import socketio
from cabinet.realtime import on_commit
from meetings.models import Meeting
from voting.display.models import DisplayToken, token_digest


def token_room(token_id: int) -> str:
    """The room of the sockets opened with one display token."""
    return f"display-token:{token_id}"


def display_room(meeting_id: int) -> str:
    """The room of every room screen showing a meeting."""
    return f"display:{meeting_id}"


def tokens_of(meeting: Meeting) -> list[DisplayToken]:
    """The meeting's display tokens, newest first (revoked ones too, for the record)."""
    return list(
        db.session.scalars(
            select(DisplayToken)
            .where(DisplayToken.meeting_id == meeting.id)
            .order_by(DisplayToken.created_at.desc(), DisplayToken.id.desc())
        )
    )


def create_token(meeting: Meeting, actor: Any, *, label: str = "") -> tuple[DisplayToken, str]:
    """A new display token for `meeting`: the row and the token itself (shown only now)."""
    if not meeting.is_editable:
        raise InvalidState(_l("Phiên họp đã kết thúc; không cần màn hình phòng họp nữa."))
    token = secrets.token_urlsafe(32)
    row = DisplayToken(
        meeting_id=meeting.id,
        digest=token_digest(token),
        label=label.strip()[:100],
        created_by_id=getattr(actor, "id", None),
        created_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    record("display.created", meeting, data={"token_id": row.id, "label": row.label}, actor=actor)
    return row, token


def revoke_token(row: DisplayToken, actor: Any) -> None:
    """Revoke a token: its screens are told and disconnected once this is committed."""
    if row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    row.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    record("display.revoked", row.meeting, data={"token_id": row.id}, actor=actor)
    token_id = row.id
    on_commit(lambda: disconnect_token(token_id))


def disconnect_token(token_id: int) -> None:
    """Tell the token's screens (every worker, through the message queue) and drop the ones
    this worker holds; a screen that ignored the word is refused when it reconnects."""
    room = token_room(token_id)
    socketio.emit("display.revoked", {"token_id": token_id}, to=room)
    server = socketio.server
    if server is None:
        return
    for sid, _eio_sid in list(server.manager.get_participants("/", room)):
        # Not inline: this runs inside a commit; the disconnect handler would close its session.
        socketio.start_background_task(server.disconnect, sid, namespace="/")


def active_token(token: str) -> DisplayToken | None:
    """The live token row for a presented token, or None (unknown or revoked)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    row = db.session.scalar(select(DisplayToken).where(DisplayToken.digest == token_digest(token)))
    return row if row is not None and row.is_active else None


def load_token(meeting: Meeting, token_id: int) -> DisplayToken:
    """A display token of `meeting` (404 for any other)."""
    row = db.session.get(DisplayToken, token_id)
    if row is None or row.meeting_id != meeting.id:
        raise NotFound()
    return row
