"""The tables of opinion ballots: the ballot and its parts, members' replies, notices sent.

The state machine lives on :class:`Ballot`: draft → awaiting_approval → sent → closed →
concluded. Every transition is a method that raises :class:`BallotStateError` when the ballot is
not in a state it may leave that way, so no view or job can skip a step.
"""

import cabinet.mail  # noqa: F401  (the outbox table is created with the ballot tables)
from voting.ballots.models.ballot import (
    Ballot,
    BallotApprover,
    BallotClosed,
    BallotConclusion,
    BallotPaper,
    BallotQuestion,
    BallotRecipient,
    BallotStateError,
    BallotStatus,
    ConclusionOutcome,
    NotARecipient,
    is_approver,
)
from voting.ballots.models.notice import BallotReminder
from voting.ballots.models.reply import (
    AnswerChoice,
    BallotAnswer,
    BallotResponse,
    BallotResponseRevision,
    ResponseStatus,
)

__all__ = [
    "AnswerChoice",
    "Ballot",
    "BallotAnswer",
    "BallotApprover",
    "BallotClosed",
    "BallotConclusion",
    "BallotPaper",
    "BallotQuestion",
    "BallotRecipient",
    "BallotReminder",
    "BallotResponse",
    "BallotResponseRevision",
    "BallotStateError",
    "BallotStatus",
    "ConclusionOutcome",
    "NotARecipient",
    "ResponseStatus",
    "is_approver",
]
