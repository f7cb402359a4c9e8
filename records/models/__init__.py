"""Records of the cabinet: minutes with revisions and comments, decision records, the number
register, signature events and each signer's key store.

The life cycles are enforced here: minutes go draft → circulated → final → signed by the
secretary → locked, decision records draft → issued → signed by the secretary → locked; a
locked record refuses every change at flush time, whoever tries (`records.models.locking`).
"""

from __future__ import annotations

from records.models import locking  # noqa: F401  (registers the flush guard)
from records.models.decisions import DecisionKind, DecisionRecord
from records.models.lifecycle import (
    EDITABLE,
    STATE_LABELS,
    EditConflict,
    Lifecycle,
    RecordLocked,
    RecordState,
    RecordStateError,
    SignerRole,
)
from records.models.minutes import (
    Minutes,
    MinutesComment,
    MinutesRevision,
    MinutesWithoutConclusions,
)
from records.models.register import RegisterCounter, RegisterEntry
from records.models.signatures import (
    NotTheSigner,
    SignatureEvent,
    SigningIdentity,
    SigningOutOfOrder,
    SigningRefused,
)

__all__ = [
    "EDITABLE",
    "STATE_LABELS",
    "DecisionKind",
    "DecisionRecord",
    "EditConflict",
    "Lifecycle",
    "Minutes",
    "MinutesComment",
    "MinutesWithoutConclusions",
    "MinutesRevision",
    "NotTheSigner",
    "RecordLocked",
    "RecordState",
    "RecordStateError",
    "RegisterCounter",
    "RegisterEntry",
    "SignatureEvent",
    "SignerRole",
    "SigningIdentity",
    "SigningOutOfOrder",
    "SigningRefused",
]
