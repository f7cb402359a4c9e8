"""The outcome of each question under each non-reply policy (the shared rules module decides)."""

from __future__ import annotations

import pytest

from voting.ballots import services
from voting.ballots.summary import ballot_record, question_results


def _answer(ballot, member, choice: str, comment: str = "Ý kiến.") -> None:
    q = ballot.questions[0]
    services.save_response(
        ballot, member, [services.AnswerInput(q.id, choice, comment)], submit=True
    )


# 9 members: 4 agree, 1 disagree, 1 other, 3 do not reply. More than half of all = 5 approvals.
@pytest.mark.parametrize(
    ("policy", "approve", "abstain", "not_voted", "passed"),
    [
        ("no_reply", 4, 1, 3, False),  # silence is not approval: 4 of 9 fails
        ("agree", 7, 1, 0, True),  # silence is consent: 7 of 9 passes
        ("abstain", 4, 4, 0, False),  # silence abstains: 4 of 9 fails
    ],
)
def test_outcome_under_each_nonreply_policy(
    db, make_ballot, set_settings, policy, approve, abstain, not_voted, passed
):
    set_settings(
        nonreply_policy=policy, passing_base="all_members", passing_threshold="simple_majority"
    )
    cabinet, ballot = make_ballot(n=9, questions=1)
    members = cabinet.members
    for m in members[1:5]:
        _answer(ballot, m, "agree")
    _answer(ballot, members[5], "disagree", "Không đồng ý vì chưa rõ nguồn vốn.")
    _answer(ballot, members[6], "other", "Đề nghị lùi thời điểm áp dụng.")
    (result,) = question_results(ballot)
    assert result["counts"] == {"agree": 4, "disagree": 1, "other": 1, "no_reply": 3}
    outcome = result["outcome"]
    assert (outcome.approve, outcome.disapprove, outcome.abstain, outcome.not_voted) == (
        approve,
        1,
        abstain,
        not_voted,
    )
    assert outcome.required == 5 and outcome.base == 9
    assert outcome.passed is passed
    assert [u.id for u in result["missing"]] == [members[0].id, members[7].id, members[8].id]


def test_a_tie_is_decided_by_the_chairs_answer(db, make_ballot, set_settings):
    set_settings(
        nonreply_policy="no_reply", passing_base="votes_cast", passing_threshold="simple_majority"
    )
    cabinet, ballot = make_ballot(n=4, questions=1)
    _answer(ballot, cabinet.chair, "agree")
    _answer(ballot, cabinet.members[1], "disagree")
    (result,) = question_results(ballot)
    assert result["outcome"].decided_by == "chair_tie"
    assert result["outcome"].passed is True


def test_drafts_do_not_count_as_answers(db, make_ballot, set_settings):
    set_settings(nonreply_policy="no_reply")
    cabinet, ballot = make_ballot(n=3, questions=1)
    q = ballot.questions[0]
    services.save_response(
        ballot, cabinet.members[1], [services.AnswerInput(q.id, "agree")], submit=False
    )
    (result,) = question_results(ballot)
    assert result["counts"]["no_reply"] == 3


def test_ballot_record_carries_answers_outcome_and_conclusion(db, make_ballot, set_settings):
    set_settings(nonreply_policy="no_reply")
    cabinet, ballot = make_ballot(n=3, questions=1)
    for m in cabinet.members:
        _answer(ballot, m, "agree", "Nhất trí.")
    services.close_ballot(ballot, by=cabinet.secretariat)
    services.conclude_ballot(ballot, text="Thông qua.", outcome="approved", by=cabinet.chair)
    record = ballot_record(ballot)
    assert record["kind"] == "ballot" and record["status"] == "concluded"
    (question,) = record["questions"]
    assert question["outcome"]["passed"] is True
    assert {a["name"] for a in question["answers"]} == {m.name for m in cabinet.members}
    assert record["conclusion"]["outcome"] == "approved"
    assert record["conclusion"]["decided_by"]["name"] == cabinet.chair.name
    assert record["url"].endswith(f"/ballots/{ballot.id}")
