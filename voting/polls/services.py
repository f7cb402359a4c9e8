"""The services of in-session votes, for other packages: open, cast, close, and read back.

Each lives in its own module (`lifecycle`, `casting`, `counting`, `announce`); this module
is the one import other packages (the demo, records, benches, tests) need.
"""

from voting.polls.announce import poll_payload, progress_payload
from voting.polls.casting import Receipt, SecretVoteFinal, cast_vote, own_cast
from voting.polls.counting import (
    cast_choices,
    open_poll_of,
    polls_of,
    tally_poll,
    voted_count,
)
from voting.polls.lifecycle import PollAlreadyOpen, QuorumNotMet, close_poll, open_poll

__all__ = [
    "PollAlreadyOpen",
    "QuorumNotMet",
    "Receipt",
    "SecretVoteFinal",
    "cast_choices",
    "cast_vote",
    "close_poll",
    "open_poll",
    "open_poll_of",
    "own_cast",
    "poll_payload",
    "polls_of",
    "progress_payload",
    "tally_poll",
    "voted_count",
]
