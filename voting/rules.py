"""The rules that decide: the outcome of a vote or an opinion ballot (and quorum, re-exported).

Pure functions on plain values (no Flask, no database), so that the live tally, the closing
result of an in-session vote, the result of a written ballot and the minutes all compute the
same answer from the same inputs.

Fixed behaviour (see docs/domain.md):

* Quorum: at least ``ceil(fraction × all members)`` members present. Only seat holders count;
  deputies and invitees never reach these functions (eligibility excludes them upstream).
* Passing: approvals must reach the required number of the configured base (all members /
  present / votes cast) under the configured threshold (more than half / at least two thirds).
  Abstentions and non-votes never count as approval.
* Tie (approvals == disapprovals > 0): the side the chair voted for wins, even when that side
  does not reach the required number (the Government's working regulation puts the tie rule
  as a separate case). When the chair abstained, did not vote, was absent, or the vote is
  secret (nothing may link the chair to a choice), there is no casting side: the proposal is
  not passed and ``tie_break`` says why.
* A "votes cast" base counts every ballot cast, abstentions included: an abstention is a
  vote cast that is not an approval.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

from meetings.quorum import QuorumStatus, quorum  # noqa: F401  (re-exported)

DecidedBy = Literal["majority", "insufficient", "chair_tie", "no_quorum"]
TieBreak = Literal[
    "chair_approve", "chair_disapprove", "chair_abstain", "chair_not_voted", "secret"
]


class Choice(StrEnum):
    """A member's choice in an in-session vote."""

    APPROVE = "approve"
    DISAPPROVE = "disapprove"
    ABSTAIN = "abstain"


class PassingBase(StrEnum):
    """What the required number of approvals is a fraction of."""

    ALL_MEMBERS = "all_members"
    PRESENT = "present"
    VOTES_CAST = "votes_cast"


class Threshold(StrEnum):
    """How large a part of the base must approve."""

    SIMPLE_MAJORITY = "simple_majority"  # more than half
    TWO_THIRDS = "two_thirds"  # at least two thirds


class NonReplyPolicy(StrEnum):
    """How an opinion ballot counts a member who did not answer by the deadline."""

    NO_REPLY = "no_reply"  # counts as not approving (not voted)
    AGREE = "agree"  # silence is consent
    ABSTAIN = "abstain"


BALLOT_ANSWERS: dict[str, Choice] = {
    "agree": Choice.APPROVE,
    "disagree": Choice.DISAPPROVE,
    # "Other opinion" is never an approval: it is counted with the abstentions.
    "other": Choice.ABSTAIN,
}


@dataclass(frozen=True)
class Rule:
    """The decision rule in force: passing base, threshold and quorum fraction."""

    base: PassingBase = PassingBase.ALL_MEMBERS
    threshold: Threshold = Threshold.SIMPLE_MAJORITY
    quorum_fraction: Fraction = Fraction(2, 3)

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", PassingBase(self.base))
        object.__setattr__(self, "threshold", Threshold(self.threshold))
        fraction = Fraction(self.quorum_fraction)
        if not 0 < fraction <= 1:
            raise ValueError(f"quorum fraction must be in (0, 1], got {fraction}")
        object.__setattr__(self, "quorum_fraction", fraction)

    @classmethod
    def from_settings(cls, settings: Any) -> Rule:
        """Build the rule from the app settings (``passing_base``, ``passing_threshold``, ...)."""
        return cls(
            base=PassingBase(settings.passing_base),
            threshold=Threshold(settings.passing_threshold),
            quorum_fraction=Fraction(settings.quorum_fraction),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rule:
        """Rebuild a rule stored with :meth:`as_dict` (e.g. in a vote result record)."""
        return cls(
            base=PassingBase(data["base"]),
            threshold=Threshold(data["threshold"]),
            quorum_fraction=Fraction(data["quorum_fraction"]),
        )

    def as_dict(self) -> dict[str, str]:
        """JSON-safe form, kept with every result so it can be re-checked later."""
        return {
            "base": self.base.value,
            "threshold": self.threshold.value,
            "quorum_fraction": str(self.quorum_fraction),
        }

    def required_approvals(self, base_count: int) -> int:
        """Smallest number of approvals that passes on a base of ``base_count``."""
        if base_count < 0:
            raise ValueError("base count cannot be negative")
        if self.threshold is Threshold.SIMPLE_MAJORITY:
            required = base_count // 2 + 1
        else:
            required = math.ceil(Fraction(2, 3) * base_count)
        # Nothing passes with zero approvals, whatever the base.
        return max(required, 1)


@dataclass(frozen=True)
class Outcome:
    """The counted result of one vote under one rule."""

    approve: int
    disapprove: int
    abstain: int
    not_voted: int
    eligible: int
    base: int
    required: int
    passed: bool
    decided_by: DecidedBy
    rule: Rule
    tie_break: TieBreak | None = None

    @property
    def cast(self) -> int:
        """Number of ballots cast (abstentions included)."""
        return self.approve + self.disapprove + self.abstain

    @property
    def tie(self) -> bool:
        """True when approvals and disapprovals are equal and not zero."""
        return self.approve == self.disapprove > 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form stored in result records and sent to tablets."""
        data = asdict(self)
        data["rule"] = self.rule.as_dict()
        data["cast"] = self.cast
        return data


def _count(choices: Iterable[Choice | str]) -> tuple[int, int, int]:
    """Approvals, disapprovals, abstentions; any other value is refused (ValueError). Counted
    by value (a `Choice` equals its string), each distinct value checked once."""
    counts = Counter(choices)
    for value in counts:
        Choice(value)
    return counts[Choice.APPROVE], counts[Choice.DISAPPROVE], counts[Choice.ABSTAIN]


_TIE_BY_CHAIR: dict[Choice, TieBreak] = {
    Choice.APPROVE: "chair_approve",
    Choice.DISAPPROVE: "chair_disapprove",
    Choice.ABSTAIN: "chair_abstain",
}


def tally(
    choices: Iterable[Choice | str],
    rule: Rule,
    *,
    all_members: int,
    present: int,
    eligible: int,
    chair_choice: Choice | str | None = None,
    secret: bool = False,
) -> Outcome:
    """Count the choices of eligible voters and decide under ``rule``.

    ``present`` is the number of members present (quorum and the "present" base);
    ``eligible`` the number entitled to vote (non-votes = eligible − cast);
    ``chair_choice`` the chair's choice, or None when the chair did not vote or was absent.
    In a secret vote ``chair_choice`` must be None: a tie then fails (``tie_break="secret"``).
    """
    approve, disapprove, abstain = _count(choices)
    cast = approve + disapprove + abstain
    if cast > eligible:
        raise ValueError(f"{cast} choices counted for {eligible} eligible voters")
    if eligible > all_members or present > all_members:
        raise ValueError("eligible and present voters cannot exceed all members")
    if secret and chair_choice is not None:
        raise ValueError("a secret vote has no chair's side to break a tie")

    base_count = {
        PassingBase.ALL_MEMBERS: all_members,
        PassingBase.PRESENT: present,
        PassingBase.VOTES_CAST: cast,
    }[rule.base]
    required = rule.required_approvals(base_count)
    tie_break: TieBreak | None = None

    if not quorum(present, all_members, rule.quorum_fraction).met:
        passed, decided_by = False, "no_quorum"
    elif approve == disapprove > 0:
        decided_by = "chair_tie"
        if secret:
            tie_break = "secret"
        elif chair_choice is None:
            tie_break = "chair_not_voted"
        else:
            tie_break = _TIE_BY_CHAIR[Choice(chair_choice)]
        passed = tie_break == "chair_approve"
    elif approve >= required:
        passed, decided_by = True, "majority"
    else:
        passed, decided_by = False, "insufficient"

    return Outcome(
        approve=approve,
        disapprove=disapprove,
        abstain=abstain,
        not_voted=eligible - cast,
        eligible=eligible,
        base=base_count,
        required=required,
        passed=passed,
        decided_by=decided_by,
        rule=rule,
        tie_break=tie_break,
    )


def ballot_choice(answer: str) -> Choice:
    """Map an opinion-ballot answer (agree / disagree / other) to a vote choice."""
    try:
        return BALLOT_ANSWERS[str(answer)]
    except KeyError:
        raise ValueError(f"unknown ballot answer {answer!r}") from None


def tally_ballot(
    answers: Iterable[str],
    rule: Rule,
    *,
    all_members: int,
    nonreply_policy: NonReplyPolicy | str,
    chair_answer: str | None = None,
) -> Outcome:
    """Decide a written opinion ballot question with the same rules as a vote.

    ``answers`` holds one answer per member who replied; the members who did not reply
    (``all_members`` − replies) are counted per ``nonreply_policy``. Every member is entitled
    and counts as present (a ballot goes to the whole cabinet). ``chair_answer`` is the
    chair's own answer, used on a tie; None when the chair did not reply, in which case the
    non-reply policy decides the chair's side too.
    """
    policy = NonReplyPolicy(nonreply_policy)
    choices = [ballot_choice(a) for a in answers]
    missing = all_members - len(choices)
    if missing < 0:
        raise ValueError(f"{len(choices)} answers for {all_members} members")
    silence = {NonReplyPolicy.AGREE: Choice.APPROVE, NonReplyPolicy.ABSTAIN: Choice.ABSTAIN}
    if policy in silence:
        choices += [silence[policy]] * missing
    chair_choice = ballot_choice(chair_answer) if chair_answer is not None else silence.get(policy)
    return tally(
        choices,
        rule,
        all_members=all_members,
        present=all_members,
        eligible=all_members,
        chair_choice=chair_choice,
    )
