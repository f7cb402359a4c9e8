"""The ballot's state machine and its working-day deadline (through the service)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from cabinet.db import utcnow
from voting.ballots import services
from voting.ballots.models import BallotStateError, BallotStatus, ConclusionOutcome


def test_happy_path_through_every_state(db, make_ballot):
    cabinet, ballot = make_ballot(send=False)
    assert ballot.status is BallotStatus.DRAFT
    services.submit_for_approval(ballot, by=cabinet.secretariat)
    assert ballot.status is BallotStatus.AWAITING_APPROVAL
    services.approve_ballot(ballot, by=cabinet.chair)
    assert ballot.status is BallotStatus.SENT and ballot.approved_by == cabinet.chair
    for member in cabinet.members:
        services.save_response(
            ballot,
            member,
            [services.AnswerInput(q.id, "agree") for q in ballot.questions],
            submit=True,
        )
    services.close_ballot(ballot, by=cabinet.secretariat)
    assert ballot.status is BallotStatus.CLOSED and ballot.closed_by == cabinet.secretariat
    services.set_proposal(ballot, "Đề nghị Thủ tướng kết luận thông qua.", by=cabinet.secretariat)
    conclusion = services.conclude_ballot(
        ballot, text="Thông qua dự thảo.", outcome=ConclusionOutcome.APPROVED, by=cabinet.chair
    )
    assert ballot.status is BallotStatus.CONCLUDED
    assert conclusion.tally[0]["outcome"]["passed"] is True


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (BallotStatus.DRAFT, lambda b, c: b.approve(c.chair, utcnow())),
        (BallotStatus.DRAFT, lambda b, c: b.close(utcnow())),
        (BallotStatus.DRAFT, lambda b, c: b.conclude()),
        (BallotStatus.AWAITING_APPROVAL, lambda b, c: b.ensure_editable()),
        (BallotStatus.AWAITING_APPROVAL, lambda b, c: b.close(utcnow())),
        (BallotStatus.SENT, lambda b, c: b.submit_for_approval(utcnow())),
        (BallotStatus.SENT, lambda b, c: b.approve(c.chair, utcnow())),
        (BallotStatus.SENT, lambda b, c: b.conclude()),
        (BallotStatus.SENT, lambda b, c: b.ensure_editable()),
        (BallotStatus.CLOSED, lambda b, c: b.close(utcnow())),
        (BallotStatus.CLOSED, lambda b, c: b.return_to_draft("")),
        (BallotStatus.CONCLUDED, lambda b, c: b.conclude()),
        (BallotStatus.CONCLUDED, lambda b, c: b.ensure_editable()),
    ],
)
def test_wrong_transitions_are_refused_with_the_state_named(db, make_ballot, status, action):
    cabinet, ballot = make_ballot(send=False)
    ballot.status = status
    with pytest.raises(BallotStateError) as error:
        action(ballot, cabinet)
    assert ballot.status is status
    assert status.label in str(error.value.message)
    assert error.value.status == 409


def test_only_the_chair_or_a_granted_deputy_pm_approves(db, make_ballot, login, client):
    cabinet, ballot = make_ballot(send=False)
    services.submit_for_approval(ballot, by=cabinet.secretariat)
    db.session.commit()
    deputy_pm = cabinet.members[1]
    for refused in (deputy_pm, cabinet.secretariat):
        login(refused)
        page = client.post(f"/ballots/{ballot.id}/approve")
        assert page.status_code == 403
        assert "Chỉ Thủ tướng hoặc Phó Thủ tướng được giao" in page.get_data(as_text=True)
        api = client.post(f"/api/v1/ballots/{ballot.id}/approve")
        assert api.status_code == 403 and api.json["code"] == "forbidden"
        assert ballot.status is BallotStatus.AWAITING_APPROVAL
    services.grant_approver(deputy_pm, by=cabinet.admin)
    db.session.commit()
    login(deputy_pm)
    assert client.post(f"/api/v1/ballots/{ballot.id}/approve").status_code == 200
    assert ballot.status is BallotStatus.SENT


def test_returned_draft_goes_back_to_the_secretariat_with_the_note(db, make_ballot):
    cabinet, ballot = make_ballot(send=False)
    services.submit_for_approval(ballot, by=cabinet.secretariat)
    services.return_to_draft(ballot, "Bổ sung ý kiến thẩm định của Bộ Tư pháp.", by=cabinet.chair)
    assert ballot.status is BallotStatus.DRAFT
    assert ballot.return_note == "Bổ sung ý kiến thẩm định của Bộ Tư pháp."


def test_a_ballot_needs_questions_and_voters_before_approval(db, make_cabinet):
    cabinet = make_cabinet(n=3, deputies=0)
    ballot = services.create_ballot(
        title="Phiếu trống", background="", questions=[], by=cabinet.secretariat
    )
    with pytest.raises(BallotStateError, match="câu hỏi"):
        services.submit_for_approval(ballot, by=cabinet.secretariat)


def test_closing_early_needs_every_answer(db, make_ballot):
    cabinet, ballot = make_ballot(n=3)
    with pytest.raises(BallotStateError, match="tất cả thành viên"):
        services.close_ballot(ballot, by=cabinet.secretariat)


def _local(d: date, hour: int = 9) -> datetime:
    # 09:00 in Hà Nội (UTC+7) on day d
    return datetime(d.year, d.month, d.day, hour - 7, tzinfo=UTC)


def test_default_deadline_skips_the_weekend(app, set_settings):
    set_settings(ballot_deadline_days=5, holidays=frozenset())
    # Thursday 2026-03-05 + 5 working days: Fri 6, Mon 9, Tue 10, Wed 11, Thu 12 → Thu 12, 17:00
    deadline = services.default_deadline(_local(date(2026, 3, 5)))
    assert deadline == datetime(2026, 3, 12, 10, 0, tzinfo=UTC)  # 17:00 local


def test_default_deadline_skips_a_weekend_and_a_holiday(app, set_settings):
    # Thursday 2026-04-23; Thursday 30/4 and Friday 1/5 are public holidays.
    set_settings(ballot_deadline_days=5, holidays=frozenset({date(2026, 4, 30), date(2026, 5, 1)}))
    deadline = services.default_deadline(_local(date(2026, 4, 23)))
    # Fri 24, Mon 27, Tue 28, Wed 29, (Thu 30, Fri 1 off, weekend) Mon 4 May
    assert deadline.astimezone(UTC) == datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def test_a_new_ballot_gets_the_default_deadline(db, make_cabinet, set_settings):
    set_settings(ballot_deadline_days=3, holidays=frozenset())
    cabinet = make_cabinet(n=3, deputies=0)
    now = _local(date(2026, 3, 6))  # a Friday
    ballot = services.create_ballot(
        title="Phiếu thử", background="", questions=["Đồng ý?"], by=cabinet.secretariat, now=now
    )
    assert ballot.deadline == datetime(2026, 3, 11, 10, 0, tzinfo=UTC)  # Wed 11, 17:00 local
    assert ballot.deadline - now > timedelta(days=3)
