"""Casting a vote: stored once, acknowledged only after the commit, safe to resend.

Resending the same `client_id` finds the stored cast and returns the same receipt. Whoever
calls `cast_vote` has checked that the person may vote (`access.load_poll(need="vote")`); the
unit of work around it (the socket event) commits and retries SQLite's busy snapshot, which is
safe because a cast is idempotent on its client id.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.audit import record
from cabinet.db import (
    db,
    insert_unless_present,
    known_in_transaction,
    note_in_transaction,
    utcnow,
)
from cabinet.errors import Conflict, ValidationFailed
from cabinet.group_commit import stage_insert
from cabinet.realtime import on_commit
from cabinet.users.models import User
from voting.polls.counting import own_open_cast
from voting.polls.crypto import check_ciphertext, seal_ballot
from voting.polls.models import (
    OpenCast,
    Poll,
    PollState,
    SecretCiphertext,
    SecretVoter,
    VotingClosed,
    random_id,
)
from voting.polls.progress import progress_flusher
from voting.polls.schemas import ReceiptSchema
from voting.rules import Choice


class SecretVoteFinal(Conflict):
    """A secret vote cannot be changed once cast (nothing links the voter to the choice)."""

    code = "vote.already_cast"
    default_message = _l("Bạn đã bỏ phiếu kín; phiếu kín không thể thay đổi.")


_RECEIPT = ReceiptSchema()


@dataclass(frozen=True)
class Receipt:
    """What the voter's tablet receives once the cast is durable."""

    poll_id: int
    client_id: str
    at: datetime
    choice: Choice | None  # None in a secret vote: the server keeps no voter→choice link
    duplicate: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The `receipt` member of the `vote.cast` ack (its wire shape is `ReceiptSchema`)."""
        return _RECEIPT.dump(self)


def own_cast(poll: Poll, user: User) -> dict[str, Any] | None:
    """The user's own cast, for their tablet (choice in open votes only)."""
    if poll.is_secret:
        row = db.session.get(SecretVoter, (poll.id, user.id))
        if row is None:
            return None
        return Receipt(poll.id, row.client_id, row.voted_at, None).as_dict()
    cast = own_open_cast(poll, user.id)
    if cast is None:
        return None
    return Receipt(poll.id, cast.client_id, cast.cast_at, Choice(cast.choice)).as_dict()


def cast_vote(
    poll: Poll,
    user: User,
    choice: Choice | str | None,
    client_id: str,
    ciphertext: str | None = None,
) -> Receipt:
    """Store an entitled member's choice (open vote) or sealed ballot (secret vote); a resent
    `client_id` returns the stored receipt."""
    if poll.is_secret:
        if ciphertext is None and choice is not None and poll.public_key:
            # Seeding and tests only: the socket event refuses a plain choice in a secret vote.
            ciphertext = seal_ballot(poll.public_key, str(Choice(choice)))[0]
        if not ciphertext:
            raise ValidationFailed(_l("Phiếu kín phải được mã hóa trên máy tính bảng."))
        try:
            check_ciphertext(ciphertext)
        except ValueError:
            raise ValidationFailed(_l("Phiếu kín không hợp lệ.")) from None
    else:
        if choice is None:
            raise ValidationFailed(_l("Chưa chọn phương án."))
        choice = Choice(choice)
    if not poll.is_open:
        # A resend of a stored cast still gets its receipt after the close. While the vote is
        # open, the insert itself finds a resend (`_cast_open`, `_cast_secret`): one statement
        # per cast, and every refusal before anything is written.
        stored = _stored_receipt(poll, user, client_id)
        if stored is not None:
            return stored
    poll.ensure_open()
    # Casts batched in one transaction (cabinet.group_commit) lock the poll and re-check it
    # once: the lock holds until the commit, so nothing can close it meanwhile.
    held = known_in_transaction(("poll.held_open", poll.id))
    if not held:
        poll.lock(exclusive=False)
    if poll.is_secret:
        receipt = _cast_secret(poll, user, ciphertext or "", client_id)
    else:
        receipt = _cast_open(poll, user, Choice(choice or ""), client_id)
    if not held and not receipt.duplicate:
        _recheck_open(poll)
        note_in_transaction(("poll.held_open", poll.id))
    if not receipt.duplicate:
        _schedule_progress(poll)
    return receipt


def refuse_plain_secret(poll: Poll, data: dict[str, Any]) -> None:
    """A tablet must seal a secret ballot: a plain choice never reaches the server."""
    if poll.is_secret and data.get("choice") is not None:
        raise ValidationFailed(_l("Phiếu kín phải được mã hóa trên máy tính bảng."))


def _stored_receipt(poll: Poll, user: User, client_id: str) -> Receipt | None:
    """The receipt of this very cast (same client id) when it is stored, else None."""
    if poll.is_secret:
        marker = db.session.get(SecretVoter, (poll.id, user.id))
        if marker is None or marker.client_id != client_id:
            return None
        return Receipt(poll.id, client_id, marker.voted_at, None, duplicate=True)
    existing = _open_cast_by_client(poll, client_id)
    return _duplicate_open(existing, user) if existing is not None else None


def _open_cast_by_client(poll: Poll, client_id: str) -> OpenCast | None:
    return db.session.scalar(
        select(OpenCast).where(OpenCast.poll_id == poll.id, OpenCast.client_id == client_id)
    )


def _duplicate_open(existing: OpenCast, user: User) -> Receipt:
    if existing.voter_id != user.id:
        raise Conflict(_l("Mã gửi phiếu đã được dùng."))
    return Receipt(existing.poll_id, existing.client_id, existing.cast_at, existing.choice, True)


def _cast_open(poll: Poll, user: User, choice: Choice, client_id: str) -> Receipt:
    """Insert the cast unless its client id is stored already (a resend, or the same cast
    arriving twice at once: the other copy is stored, and this one is answered like it)."""
    cast_at = utcnow()
    row = {
        "poll_id": poll.id,
        "voter_id": user.id,
        "choice": choice,
        "client_id": client_id,
        "cast_at": cast_at,
    }
    if not _insert_new(OpenCast, ("poll_id", "client_id"), row):
        existing = _open_cast_by_client(poll, client_id)
        if existing is None:  # the conflict was on this very key, committed or ours
            raise LookupError(f"poll {poll.id}: client id conflict without a stored cast")
        return _duplicate_open(existing, user)
    record("vote.cast", poll, data={"choice": str(choice), "client_id": client_id}, actor=user)
    return Receipt(poll.id, client_id, cast_at, choice)


def _insert_new(model: type[Any], unique: tuple[str, ...], row: dict[str, Any]) -> bool:
    """Insert `row` unless its `unique` key is stored already; True when it was inserted.

    In a batch of casts the row is staged: the batch inserts every cast's row in one statement
    before its commit, and when a key turns out to be stored already, the batch fails and each
    cast runs again alone, here (`cabinet.group_commit.stage_insert`). Alone: a Core statement
    on the table, built once per dialect (building one per cast costs more than running it),
    without RETURNING: the row count says whether it inserted, and a cast that found its key
    taken has written nothing (`cabinet.group_commit` checks that)."""
    if stage_insert(model.__table__, row, unique):
        return True  # the batch inserts it with the others' (or fails, and this runs alone)
    connection = db.session.connection()
    statement = _insert_statement(model, unique, connection.dialect.name)
    return bool(connection.execute(statement, row).rowcount == 1)


@functools.cache
def _insert_statement(model: type[Any], unique: tuple[str, ...], dialect: str) -> Any:
    return insert_unless_present(model.__table__, *unique, dialect=dialect)


def _cast_secret(poll: Poll, user: User, ciphertext: str, client_id: str) -> Receipt:
    # The marker and the sealed ballot commit together (the ack means both are durable and a
    # voter has exactly one ballot). They share a transaction id, which links a voter to a box
    # nobody can open without the poll's key; the choices appear only at the close, shuffled.
    voted_at = utcnow()
    marker = {"poll_id": poll.id, "voter_id": user.id, "client_id": client_id, "voted_at": voted_at}
    if not _insert_new(SecretVoter, ("poll_id", "voter_id"), marker):
        # This voter's marker is stored (a resend, or the same cast arriving twice at once).
        existing = db.session.scalar(
            select(SecretVoter)
            .where(SecretVoter.poll_id == poll.id, SecretVoter.voter_id == user.id)
            .execution_options(populate_existing=True)
        )
        if existing is None:  # the conflict was on this very key, committed or ours
            raise LookupError(f"poll {poll.id}: voter conflict without a stored marker")
        if existing.client_id == client_id:
            return Receipt(poll.id, client_id, existing.voted_at, None, duplicate=True)
        raise SecretVoteFinal()
    sealed = {"id": random_id(), "poll_id": poll.id, "ciphertext": ciphertext}
    if not stage_insert(SecretCiphertext.__table__, sealed):
        db.session.connection().execute(SecretCiphertext.__table__.insert(), sealed)
    # The fact of voting only: never the choice next to the voter.
    record("vote.cast", poll, data={"secret": True}, actor=user)
    return Receipt(poll.id, client_id, voted_at, None)


def _recheck_open(poll: Poll) -> None:
    """After our write took the lock, make sure the vote was not closed meanwhile."""
    state = db.session.scalar(
        select(Poll.state).where(Poll.id == poll.id).execution_options(populate_existing=True)
    )
    if state != PollState.OPEN:
        raise VotingClosed(poll_id=poll.id)


def _schedule_progress(poll: Poll) -> None:
    poll_id, meeting_id = poll.id, poll.meeting_id
    on_commit(lambda: progress_flusher.mark(poll_id, meeting_id))
