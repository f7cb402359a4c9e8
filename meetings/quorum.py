"""Quorum: may the session conduct business? A pure function on counts (no Flask, no database).

At least ``ceil(fraction × all members)`` members present. Only seat holders count; deputies
and invitees never reach this function. `voting.rules` re-exports it beside the vote rules.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from fractions import Fraction


@dataclass(frozen=True)
class QuorumStatus:
    """Members present against the number required for a quorum."""

    present: int
    required: int
    all_members: int
    met: bool

    @property
    def missing(self) -> int:
        """How many more members must arrive for the quorum."""
        return max(self.required - self.present, 0)

    def as_dict(self) -> dict[str, int | bool]:
        """JSON-safe form for sockets and snapshots."""
        return {**asdict(self), "missing": self.missing}


def quorum(present_members: int, all_members: int, fraction: Fraction) -> QuorumStatus:
    """Quorum status: met when present members ≥ ceil(fraction × all members)."""
    if present_members < 0 or all_members < 0:
        raise ValueError("member counts cannot be negative")
    required = math.ceil(Fraction(fraction) * all_members)
    met = all_members > 0 and present_members >= required
    return QuorumStatus(present_members, required, all_members, met)
