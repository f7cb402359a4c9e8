"""In-session electronic votes ("biểu quyết"): the poll, its entitled voters, casts and result.

Open votes keep every cast (voter, choice, time) so changes are visible in the history and
the last one counts. Secret votes (docs/secret-votes.md): while the vote is open the server
holds `SecretVoter` (that a member voted) and `SecretCiphertext` (a sealed box it cannot read:
the choice and a receipt token, sealed by the tablet to the poll's public key). No choice is
written anywhere before the close; the close decrypts, shuffles and writes the anonymous
`SecretBallot` list (token, choice) in one transaction, and erases the wrapped private key.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from cabinet.db import Base, db, str_enum, utcnow
from cabinet.errors import InvalidState
from cabinet.users.models import User
from meetings.models import AgendaItem, Meeting
from meetings.motions.models import Motion
from voting.rules import Choice


def random_id() -> str:
    """A random, unordered identifier (UUID4 text)."""
    return str(uuid.uuid4())


class PollKind(StrEnum):
    """Open (names recorded) or secret (nothing links a member to a choice)."""

    OPEN = "open"
    SECRET = "secret"


class PollState(StrEnum):
    """A poll is open until the chair closes it; closed is final."""

    OPEN = "open"
    CLOSED = "closed"


class VotingClosed(InvalidState):
    """The vote is closed; nothing about it may change."""

    code = "vote.closed"
    default_message = _l("Biểu quyết đã kết thúc; kết quả là cuối cùng.")


class Poll(Base):
    """A vote the chair opened on an agenda item."""

    __tablename__ = "polls"
    # At most one open vote per meeting, whatever races the check in `open_poll` loses.
    __table_args__ = (
        sa.Index(
            "uq_polls_one_open_per_meeting",
            "meeting_id",
            unique=True,
            sqlite_where=sa.text("state = 'open'"),
            postgresql_where=sa.text("state = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # The prepared motion (or amendment) the vote was opened on, if any.
    motion_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    question: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[PollKind] = mapped_column(str_enum(PollKind, length=20), default=PollKind.OPEN)
    state: Mapped[PollState] = mapped_column(
        str_enum(PollState, length=20), default=PollState.OPEN, index=True
    )
    # The rule and counts in force when the vote opened: the result is decided with them.
    rule: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    all_members: Mapped[int]
    present: Mapped[int]
    chair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Secret votes: the public key tablets seal to, and the private key wrapped for custody
    # (voting.polls.crypto); the wrapped key is erased when the vote closes.
    public_key: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    sealed_key: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    meeting: Mapped[Meeting] = relationship()
    item: Mapped[AgendaItem | None] = relationship()
    motion: Mapped[Motion | None] = relationship()
    eligible: Mapped[list[PollEligible]] = relationship(
        back_populates="poll", cascade="all, delete-orphan"
    )
    result: Mapped[PollResult | None] = relationship(back_populates="poll", uselist=False)

    @property
    def is_open(self) -> bool:
        """True until the chair closes the vote."""
        return self.state == PollState.OPEN

    @property
    def is_secret(self) -> bool:
        """True for a secret vote."""
        return self.kind == PollKind.SECRET

    def ensure_open(self) -> None:
        """Raise VotingClosed unless the vote is open."""
        if not self.is_open:
            raise VotingClosed(poll_id=self.id)

    def eligible_ids(self) -> set[int]:
        """Ids of the members entitled to vote (present when the vote opened)."""
        return {row.user_id for row in self.eligible}

    def can_vote(self, user) -> bool:
        """May `user` cast a vote now (open, and in the entitled snapshot)?"""
        return self.is_open and getattr(user, "id", None) in self.eligible_ids()

    def lock(self, *, exclusive: bool) -> None:
        """PostgreSQL: casts take a shared row lock, the close an exclusive one, so no cast
        commits after the close has counted. SQLite serialises writers (casts re-check the
        state once they hold the write lock)."""
        if db.is_postgres:
            db.session.execute(
                sa.select(Poll.id).where(Poll.id == self.id).with_for_update(read=not exclusive)
            )

    def close(self, user) -> None:
        """Open → closed, in one statement that takes the row's lock, checks the state and
        writes it (VotingClosed when it was closed meanwhile): on PostgreSQL the update waits
        for the casts holding the row's shared lock to commit, on SQLite it takes the write
        lock after every committed cast; either way no cast commits after the close has
        counted. A closed vote never reopens."""
        closed = {"state": PollState.CLOSED, "closed_at": utcnow(), "closed_by_id": user.id}
        done = db.session.connection().execute(_CLOSE, {"poll_id": self.id, **closed})
        if done.rowcount != 1:
            raise VotingClosed(poll_id=self.id)
        for name, value in closed.items():  # what the row now holds, without reading it back
            set_committed_value(self, name, value)


_POLLS = Poll.__table__
#: Built once, run on the table (no unit of work to consult: the close writes nothing else yet).
_CLOSE = (
    sa.update(_POLLS)
    .where(_POLLS.c.id == sa.bindparam("poll_id"), _POLLS.c.state == PollState.OPEN)
    .values(
        state=sa.bindparam("state"),
        closed_at=sa.bindparam("closed_at"),
        closed_by_id=sa.bindparam("closed_by_id"),
    )
)


class PollEligible(Base):
    """The snapshot of members entitled to vote, taken when the vote opened."""

    __tablename__ = "poll_eligible"

    poll_id: Mapped[int] = mapped_column(
        sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    # The name as it was, so the record stays right if the account is renamed later.
    name: Mapped[str] = mapped_column(sa.String(200))

    poll: Mapped[Poll] = relationship(back_populates="eligible")
    user: Mapped[User] = relationship()


class OpenCast(Base):
    """One cast in an open vote; a later cast by the same voter replaces the earlier."""

    __tablename__ = "poll_open_casts"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("polls.id", ondelete="CASCADE"))
    voter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    choice: Mapped[Choice] = mapped_column(str_enum(Choice, length=20))
    client_id: Mapped[str] = mapped_column(sa.String(64))
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)

    voter: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("poll_id", "client_id"),
        sa.Index("ix_poll_open_casts_poll_voter", "poll_id", "voter_id"),
    )


class SecretVoter(Base):
    """That a member voted in a secret vote (never what)."""

    __tablename__ = "poll_secret_voters"

    poll_id: Mapped[int] = mapped_column(
        sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    voter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    # The voter's own retry key and receipt time: let a resent cast be acknowledged again.
    client_id: Mapped[str] = mapped_column(sa.String(64))
    voted_at: Mapped[datetime] = mapped_column(default=utcnow)


class SecretCiphertext(Base):
    """A sealed ballot of an open secret vote: unreadable without the poll's private key; no
    voter, no time, a random id. Deleted when the vote closes."""

    __tablename__ = "poll_secret_ciphertexts"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=random_id)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    ciphertext: Mapped[str] = mapped_column(sa.Text)


class SecretBallot(Base):
    """A decrypted ballot of a closed secret vote, as published: the voter's receipt token and
    the choice; no voter, no time, a random id; written at the close in shuffled order."""

    __tablename__ = "poll_secret_ballots"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=random_id)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    choice: Mapped[Choice] = mapped_column(str_enum(Choice, length=20))
    token: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)


class PollResult(Base):
    """The immutable result of a closed vote, as announced."""

    __tablename__ = "poll_results"

    poll_id: Mapped[int] = mapped_column(
        sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    approve: Mapped[int]
    disapprove: Mapped[int]
    abstain: Mapped[int]
    not_voted: Mapped[int]
    eligible_count: Mapped[int]
    base: Mapped[int]
    required: Mapped[int]
    passed: Mapped[bool]
    decided_by: Mapped[str] = mapped_column(sa.String(20))
    tie_break: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    rule: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    all_members: Mapped[int]
    present: Mapped[int]
    # [{"user_id", "name"}] entitled when the vote opened.
    entitled: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    # Open votes only: [{"user_id", "name", "choice"}] (the last choice of each voter).
    choices: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON, nullable=True)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Secret votes: the Ed25519 signature of the published (token, choice) list and the public
    # key that checks it (voting.polls.crypto.signed_message).
    signature: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    verify_key: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)

    poll: Mapped[Poll] = relationship(back_populates="result")


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_closed_votes(session: Session, flush_context, instances) -> None:
    """A closed vote and its result are final: refuse any update or delete of them."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, PollResult):
            raise VotingClosed(poll_id=obj.poll_id)
        if isinstance(obj, Poll) and obj in session.dirty:
            state_history = sa.inspect(obj).attrs.state.history
            was = state_history.deleted[0] if state_history.deleted else obj.state
            if (
                was == PollState.CLOSED
                and session.is_modified(obj, include_collections=False)
                and not _closing(session, obj)
            ):
                raise VotingClosed(poll_id=obj.id)
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, OpenCast | SecretVoter | SecretCiphertext | SecretBallot):
                poll = session.get(Poll, obj.poll_id) if obj.poll_id else None
                if poll is not None and not poll.is_open and not _closing(session, poll):
                    raise VotingClosed(poll_id=poll.id)


def _closing(session: Session, poll: Poll) -> bool:
    # The close writes the decrypted secret ballot list in the same flush that closes the poll.
    return poll.id in session.info.get("ecabinet.polls_closing", set())
