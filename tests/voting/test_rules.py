"""The decision rules as tables: quorum, majority bases and thresholds, ties, ballots."""

from fractions import Fraction

import pytest

from voting.rules import (
    Choice,
    NonReplyPolicy,
    PassingBase,
    Rule,
    Threshold,
    ballot_choice,
    quorum,
    tally,
    tally_ballot,
)

A, D, X = Choice.APPROVE, Choice.DISAPPROVE, Choice.ABSTAIN
DEFAULT = Rule()


def votes(approve=0, disapprove=0, abstain=0):
    """A list of choices with the given counts."""
    return [A] * approve + [D] * disapprove + [X] * abstain


@pytest.mark.parametrize(
    ("present", "all_members", "fraction", "required", "met"),
    [
        (18, 27, Fraction(2, 3), 18, True),  # exactly two thirds
        (17, 27, Fraction(2, 3), 18, False),
        (27, 27, Fraction(2, 3), 18, True),
        (0, 27, Fraction(2, 3), 18, False),
        (20, 30, Fraction(2, 3), 20, True),
        (19, 30, Fraction(2, 3), 20, False),
        (17, 25, Fraction(2, 3), 17, True),  # ceil(16.67)
        (16, 25, Fraction(2, 3), 17, False),
        (14, 27, Fraction(1, 2), 14, True),
        (13, 27, Fraction(1, 2), 14, False),
        (0, 0, Fraction(2, 3), 0, False),  # no cabinet, no business
    ],
)
def test_quorum(present, all_members, fraction, required, met):
    status = quorum(present, all_members, fraction)
    assert (status.required, status.met) == (required, met)
    assert status.missing == max(required - present, 0)
    assert status.as_dict()["present"] == present


@pytest.mark.parametrize(
    ("threshold", "base_count", "required"),
    [
        (Threshold.SIMPLE_MAJORITY, 27, 14),
        (Threshold.SIMPLE_MAJORITY, 26, 14),
        (Threshold.SIMPLE_MAJORITY, 1, 1),
        (Threshold.SIMPLE_MAJORITY, 0, 1),
        (Threshold.TWO_THIRDS, 27, 18),
        (Threshold.TWO_THIRDS, 28, 19),
        (Threshold.TWO_THIRDS, 3, 2),
        (Threshold.TWO_THIRDS, 0, 1),
    ],
)
def test_required_approvals(threshold, base_count, required):
    assert Rule(threshold=threshold).required_approvals(base_count) == required


# (rule, approve, disapprove, abstain, present, eligible, chair, passed, decided_by, tie_break)
# fmt: off
CASES = {
    "27 members, 14 approve: more than half of all":
        (DEFAULT, 14, 0, 0, 27, 27, A, True, "majority", None),
    "27 members, 13 approve: not more than half of all":
        (DEFAULT, 13, 0, 0, 27, 27, A, False, "insufficient", None),
    "13 approve of 20 present fails on the all-members base":
        (DEFAULT, 13, 2, 5, 20, 20, A, False, "insufficient", None),
    "abstentions never approve": (DEFAULT, 10, 0, 17, 27, 27, A, False, "insufficient", None),
    "nobody voted": (DEFAULT, 0, 0, 0, 27, 27, None, False, "insufficient", None),
    "present base: 11 of 20 present":
        (Rule(base=PassingBase.PRESENT), 11, 2, 7, 20, 20, A, True, "majority", None),
    "present base: 10 of 20 present":
        (Rule(base=PassingBase.PRESENT), 10, 2, 8, 20, 20, A, False, "insufficient", None),
    "votes-cast base: abstentions are cast":
        (Rule(base=PassingBase.VOTES_CAST), 5, 2, 3, 20, 20, A, False, "insufficient", None),
    "votes-cast base: 6 of 10 cast":
        (Rule(base=PassingBase.VOTES_CAST), 6, 2, 2, 20, 20, A, True, "majority", None),
    "two thirds of all: 18 of 27":
        (Rule(threshold=Threshold.TWO_THIRDS), 18, 9, 0, 27, 27, A, True, "majority", None),
    "two thirds of all: 17 of 27":
        (Rule(threshold=Threshold.TWO_THIRDS), 17, 10, 0, 27, 27, A, False, "insufficient", None),
    "tie, chair approved": (DEFAULT, 13, 13, 1, 27, 27, A, True, "chair_tie", "chair_approve"),
    "tie, chair disapproved":
        (DEFAULT, 13, 13, 1, 27, 27, D, False, "chair_tie", "chair_disapprove"),
    "tie, chair abstained": (DEFAULT, 13, 13, 1, 27, 27, X, False, "chair_tie", "chair_abstain"),
    "tie, chair absent": (DEFAULT, 10, 10, 0, 26, 26, None, False, "chair_tie", "chair_not_voted"),
    "18 of 27 present: quorum met": (DEFAULT, 14, 4, 0, 18, 18, A, True, "majority", None),
    "17 of 27 present: no quorum": (DEFAULT, 14, 3, 0, 17, 17, A, False, "no_quorum", None),
}
# fmt: on


@pytest.mark.parametrize(
    ("rule", "approve", "disapprove", "abstain", "present", "eligible", "chair", "passed",
     "decided_by", "tie_break"),
    list(CASES.values()),
    ids=list(CASES),
)  # fmt: skip
def test_tally(rule, approve, disapprove, abstain, present, eligible, chair, passed, decided_by,
               tie_break):  # fmt: skip
    outcome = tally(
        votes(approve, disapprove, abstain),
        rule,
        all_members=27,
        present=present,
        eligible=eligible,
        chair_choice=chair,
    )
    assert (outcome.passed, outcome.decided_by, outcome.tie_break) == (
        passed,
        decided_by,
        tie_break,
    )
    assert (outcome.approve, outcome.disapprove, outcome.abstain) == (approve, disapprove, abstain)
    assert outcome.not_voted == eligible - approve - disapprove - abstain
    assert outcome.rule == rule


def test_secret_tie_fails_without_a_casting_side():
    outcome = tally(votes(12, 12, 3), DEFAULT, all_members=27, present=27, eligible=27, secret=True)
    assert (outcome.passed, outcome.decided_by, outcome.tie_break) == (False, "chair_tie", "secret")


def test_secret_vote_refuses_a_chair_choice():
    with pytest.raises(ValueError, match="secret"):
        tally(votes(12, 12), DEFAULT, all_members=27, present=27, eligible=27, chair_choice=A,
              secret=True)  # fmt: skip


def test_outcome_fields_and_serialisation():
    outcome = tally(votes(14, 5, 3), DEFAULT, all_members=27, present=25, eligible=25,
                    chair_choice=A)  # fmt: skip
    assert (outcome.base, outcome.required, outcome.cast, outcome.not_voted) == (27, 14, 22, 3)
    data = outcome.as_dict()
    assert data["rule"] == {
        "base": "all_members",
        "threshold": "simple_majority",
        "quorum_fraction": "2/3",
    }
    assert Rule.from_dict(data["rule"]) == DEFAULT
    assert data["passed"] is True and data["cast"] == 22


def test_tally_accepts_string_choices_and_rejects_unknown():
    assert tally(["approve"] * 14, DEFAULT, all_members=27, present=27, eligible=27).passed
    with pytest.raises(ValueError):
        tally(["maybe"], DEFAULT, all_members=27, present=27, eligible=27)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"present": 27, "eligible": 3},  # more choices than eligible voters
        {"present": 28, "eligible": 27},  # more present than members
        {"present": 27, "eligible": 28},
    ],
)
def test_tally_rejects_impossible_counts(kwargs):
    with pytest.raises(ValueError):
        tally(votes(4), DEFAULT, all_members=27, **kwargs)


def test_rule_from_settings():
    class Settings:
        passing_base = "present"
        passing_threshold = "two_thirds"
        quorum_fraction = Fraction(1, 2)

    assert Rule.from_settings(Settings) == Rule(
        PassingBase.PRESENT, Threshold.TWO_THIRDS, Fraction(1, 2)
    )


@pytest.mark.parametrize("fraction", [Fraction(0), Fraction(3, 2)])
def test_rule_rejects_meaningless_quorum(fraction):
    with pytest.raises(ValueError):
        Rule(quorum_fraction=fraction)


@pytest.mark.parametrize(
    ("answer", "choice"),
    [("agree", A), ("disagree", D), ("other", X)],
)
def test_ballot_answers_map_to_choices(answer, choice):
    assert ballot_choice(answer) is choice


# (answers, policy, chair_answer, approve, disapprove, abstain, not_voted, passed, decided_by)
# fmt: off
BALLOT_CASES = {
    "14 agree of 27: passes":
        ({"agree": 14, "disagree": 3}, "no_reply", "agree", 14, 3, 0, 10, True, "majority"),
    "other opinion is not approval":
        ({"agree": 13, "other": 10}, "no_reply", "agree", 13, 0, 10, 4, False, "insufficient"),
    "non-reply as no reply":
        ({"agree": 10}, NonReplyPolicy.NO_REPLY, "agree", 10, 0, 0, 17, False, "insufficient"),
    "non-reply as agree":
        ({"agree": 10}, NonReplyPolicy.AGREE, "agree", 27, 0, 0, 0, True, "majority"),
    "non-reply as abstain":
        ({"agree": 10}, NonReplyPolicy.ABSTAIN, "agree", 10, 0, 17, 0, False, "insufficient"),
    "tie decided by the chair's answer":
        ({"agree": 12, "disagree": 12}, "no_reply", "agree", 12, 12, 0, 3, True, "chair_tie"),
    "tie, chair answered other":
        ({"agree": 12, "disagree": 12}, "no_reply", "other", 12, 12, 0, 3, False, "chair_tie"),
    "tie, chair silent, silence is abstention":
        ({"agree": 12, "disagree": 12}, "abstain", None, 12, 12, 3, 0, False, "chair_tie"),
}
# fmt: on


@pytest.mark.parametrize(
    ("answers", "policy", "chair", "approve", "disapprove", "abstain", "not_voted", "passed",
     "decided_by"),
    list(BALLOT_CASES.values()),
    ids=list(BALLOT_CASES),
)  # fmt: skip
def test_tally_ballot(answers, policy, chair, approve, disapprove, abstain, not_voted, passed,
                      decided_by):  # fmt: skip
    flat = [answer for answer, n in answers.items() for _ in range(n)]
    outcome = tally_ballot(
        flat, DEFAULT, all_members=27, nonreply_policy=policy, chair_answer=chair
    )
    assert (outcome.approve, outcome.disapprove, outcome.abstain, outcome.not_voted) == (
        approve,
        disapprove,
        abstain,
        not_voted,
    )
    assert (outcome.passed, outcome.decided_by) == (passed, decided_by)


def test_tally_ballot_rejects_more_answers_than_members():
    with pytest.raises(ValueError):
        tally_ballot(["agree"] * 28, DEFAULT, all_members=27, nonreply_policy="no_reply")
