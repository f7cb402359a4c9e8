"""Recounting a closed secret vote from its published, signed list (`cabinet vote-verify`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cabinet.db import db
from voting.polls.counting import published_ballots
from voting.polls.crypto import check_signature, system_verify_key
from voting.polls.models import Poll
from voting.rules import Rule, tally


@dataclass
class Verification:
    """What a recount found: each check, and whether the whole list matches the result."""

    poll_id: int
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return bool(self.checks) and all(passed for _, passed, _ in self.checks)

    def add(self, name: str, passed: bool, detail: str = "") -> None:
        """Note one check."""
        self.checks.append((name, passed, detail))


def verify_secret_poll(poll_id: int) -> Verification:
    """Check the signature of a closed secret vote's published list and recount it."""
    report = Verification(poll_id)
    poll = db.session.get(Poll, poll_id)
    if poll is None or not poll.is_secret or poll.result is None:
        report.add("closed secret vote", False, "no closed secret vote with this id")
        return report
    result = poll.result
    ballots = [(token, choice) for token, choice in published_ballots(poll_id)]
    report.add(
        "signature",
        bool(result.signature and result.verify_key)
        and check_signature(poll_id, ballots, result.signature or "", result.verify_key or ""),
        f"Ed25519, key {result.verify_key}",
    )
    report.add(
        "system key", result.verify_key == system_verify_key(), "signed by this system's key"
    )
    tokens = [t for t, _ in ballots]
    report.add("tokens unique", len(tokens) == len(set(tokens)), f"{len(tokens)} ballots")
    outcome = tally(
        [c for _, c in ballots],
        Rule.from_dict(poll.rule),
        all_members=poll.all_members,
        present=poll.present,
        eligible=len(poll.eligible),
        chair_choice=None,
        secret=True,
    )
    recount = (outcome.approve, outcome.disapprove, outcome.abstain, outcome.passed)
    stored = (result.approve, result.disapprove, result.abstain, result.passed)
    report.add(
        "recount",
        recount == stored,
        "approve/disapprove/abstain/passed "
        f"recounted {recount[:3]} {recount[3]}, stored {stored[:3]} {stored[3]}",
    )
    return report
