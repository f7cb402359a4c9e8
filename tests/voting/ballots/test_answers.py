"""Answering a ballot: required comments, revisions, deadline, access, sanitized HTML."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from cabinet.db import utcnow
from voting.ballots import services
from voting.ballots.models import BallotClosed, BallotResponseRevision, BallotStatus


def _form(
    ballot, choices: dict[int, tuple[str | None, str]], action: str = "submit"
) -> dict[str, str]:
    data = {"action": action}
    for q in ballot.questions:
        data[f"q{q.id}.present"] = "1"
        choice, comment = choices.get(q.id, (None, ""))
        if choice:
            data[f"q{q.id}.choice"] = choice
        data[f"q{q.id}.comment"] = comment
    return data


def test_disagree_without_a_comment_shows_the_error_next_to_that_field(
    db, make_ballot, login, client
):
    cabinet, ballot = make_ballot()
    q1, q2 = ballot.questions
    member = cabinet.members[1]
    login(member)
    response = client.post(
        f"/ballots/{ballot.id}/answer",
        data=_form(ballot, {q1.id: ("agree", ""), q2.id: ("disagree", "  ")}),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # The error sits right under the comment of question 2, linked by aria-describedby.
    field = re.search(rf'<textarea[^>]*name="q{q2.id}.comment"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and f"f-q{q2.id}-comment-error" in field
    assert re.search(
        rf'id="f-q{q2.id}-comment-error"[^>]*>.*?Hãy ghi rõ ý kiến khi chọn “Không đồng ý”',
        html,
        re.S,
    )
    assert f'id="f-q{q1.id}-comment-error"' not in html
    # What the member entered is kept.
    assert re.search(rf'name="q{q1.id}.choice" value="agree" checked', html)
    assert services.response_for(ballot, member) is None


def test_api_lists_each_missing_comment_and_choice(db, make_ballot, login, client):
    cabinet, ballot = make_ballot()
    q1, q2 = ballot.questions
    login(cabinet.members[2])
    response = client.put(
        f"/api/v1/ballots/{ballot.id}/response",
        json={
            "submit": True,
            "answers": [{"question_id": q1.id, "choice": "other", "comment": ""}],
        },
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.json["fields"]) == {f"q{q1.id}.comment", f"q{q2.id}.choice"}


def test_a_draft_may_be_incomplete_and_every_revision_is_kept(db, make_ballot):
    cabinet, ballot = make_ballot()
    q1, q2 = ballot.questions
    member = cabinet.members[1]
    services.save_response(ballot, member, [services.AnswerInput(q1.id, "disagree")], submit=False)
    services.save_response(
        ballot,
        member,
        [
            services.AnswerInput(q1.id, "disagree", "Chưa rõ nguồn vốn."),
            services.AnswerInput(q2.id, "agree"),
        ],
        submit=True,
    )
    response = services.save_response(
        ballot,
        member,
        [services.AnswerInput(q1.id, "agree"), services.AnswerInput(q2.id, "agree")],
        submit=True,
    )
    revisions = db.session.scalars(
        BallotResponseRevision.__table__.select().where(
            BallotResponseRevision.response_id == response.id
        )
    ).all()
    assert len(revisions) == 3
    history = sorted(response.revisions, key=lambda r: r.number)
    assert [r.submitted for r in history] == [False, True, True]
    assert all(r.by_id == member.id and r.at is not None for r in history)
    first_q1 = {a["question_id"]: a for a in history[1].answers}[q1.id]
    assert first_q1["choice"] == "disagree" and first_q1["comment"] == "Chưa rõ nguồn vốn."
    assert response.answer_for(q1.id).choice.value == "agree"


def test_after_the_deadline_nothing_is_accepted(db, make_ballot, login, client):
    cabinet, ballot = make_ballot()
    member = cabinet.members[1]
    ballot.deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(member)
    q1, q2 = ballot.questions
    response = client.post(
        f"/ballots/{ballot.id}/answer",
        data=_form(ballot, {q1.id: ("agree", ""), q2.id: ("agree", "")}),
    )
    assert response.status_code == 409
    assert "Đã hết hạn trả lời" in response.get_data(as_text=True)
    api = client.put(
        f"/api/v1/ballots/{ballot.id}/response",
        json={"submit": True, "answers": [{"question_id": q1.id, "choice": "agree"}]},
    )
    assert api.status_code == 409 and api.json["code"] == "ballot.closed"
    assert "Đã hết hạn trả lời" in api.json["detail"]
    assert services.response_for(ballot, member) is None
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert 'id="answer-form"' not in page and "Đã hết hạn trả lời" in page


def test_a_closed_ballot_refuses_answers(db, make_ballot):
    cabinet, ballot = make_ballot()
    services.close_ballot(ballot, by=None, now=ballot.deadline)
    with pytest.raises(BallotClosed):
        services.save_response(ballot, cabinet.members[1], [], submit=False)


def test_a_non_recipient_gets_403(db, make_ballot, make_user, login, client):
    cabinet, ballot = make_ballot()
    outsider = make_user(name="Thứ trưởng không nhận phiếu")
    db.session.commit()
    login(outsider)
    assert client.get(f"/ballots/{ballot.id}").status_code == 403
    assert client.post(f"/ballots/{ballot.id}/answer", data=_form(ballot, {})).status_code == 403
    assert client.get(f"/api/v1/ballots/{ballot.id}").status_code == 403
    api = client.put(f"/api/v1/ballots/{ballot.id}/response", json={"answers": []})
    assert api.status_code == 403 and api.json["code"] == "ballot.not_recipient"


def test_information_only_recipients_read_but_do_not_answer(db, make_cabinet, login, client):
    cabinet = make_cabinet(n=3, deputies=0)
    ballot = services.create_ballot(
        title="Phiếu có người nhận để biết",
        background="",
        questions=["Đồng ý?"],
        by=cabinet.secretariat,
        info_ids=[cabinet.invitee.id],
    )
    services.submit_for_approval(ballot, by=cabinet.secretariat)
    services.approve_ballot(ballot, by=cabinet.chair)
    db.session.commit()
    login(cabinet.invitee)
    page = client.get(f"/ballots/{ballot.id}")
    assert page.status_code == 200
    assert "nhận phiếu này để biết" in page.get_data(as_text=True)
    assert 'id="answer-form"' not in page.get_data(as_text=True)
    q = ballot.questions[0]
    refused = client.post(f"/ballots/{ballot.id}/answer", data=_form(ballot, {q.id: ("agree", "")}))
    assert refused.status_code == 403
    assert [r.user_id for r in ballot.voters] == [m.id for m in cabinet.members]


def test_drafts_and_awaiting_ballots_are_hidden_from_members(db, make_ballot, login, client):
    cabinet, ballot = make_ballot(send=False)
    login(cabinet.members[1])
    assert client.get(f"/ballots/{ballot.id}").status_code == 403
    services.submit_for_approval(ballot, by=cabinet.secretariat)
    db.session.commit()
    assert client.get(f"/ballots/{ballot.id}").status_code == 403
    login(cabinet.chair)
    assert client.get(f"/ballots/{ballot.id}").status_code == 200  # the approver reads it


@pytest.mark.parametrize(
    ("raw", "kept", "gone"),
    [
        (
            "<script>alert(1)</script>Không đồng ý vì thiếu vốn",
            "Không đồng ý vì thiếu vốn",
            "script",
        ),
        ('<img src="https://evil.example/x.png">Ảnh', "Ảnh", "<img"),
        ('<b onclick="steal()">Đậm</b>', "<b>Đậm</b>", "onclick"),
        ('<a href="javascript:alert(1)">liên kết</a>', "liên kết", "javascript:"),
        ('<p style="color:red">Đoạn <em>nghiêng</em></p>', "<p>Đoạn <em>nghiêng</em></p>", "style"),
        ("<iframe src='//x'></iframe>Khung", "Khung", "iframe"),
    ],
)
def test_comments_are_sanitized(db, make_ballot, raw, kept, gone):
    cabinet, ballot = make_ballot(questions=1)
    q = ballot.questions[0]
    response = services.save_response(
        ballot, cabinet.members[1], [services.AnswerInput(q.id, "other", raw)], submit=True
    )
    stored = response.answer_for(q.id).comment
    assert kept in stored
    assert gone not in stored


def test_sanitized_comment_is_rendered_without_escaping_its_safe_markup(
    db, make_ballot, login, client
):
    cabinet, ballot = make_ballot(questions=1)
    q = ballot.questions[0]
    member = cabinet.members[1]
    services.save_response(
        ballot,
        member,
        [services.AnswerInput(q.id, "other", "<b>Đề nghị</b><script>x()</script>")],
        submit=True,
    )
    services.close_ballot(ballot, by=None, now=ballot.deadline)
    login(member)
    html = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert "<b>Đề nghị</b>" in html and "x()" not in html
    assert ballot.status is BallotStatus.CLOSED


def test_submitting_over_http_redirects_and_records_the_answer(db, make_ballot, login, client):
    cabinet, ballot = make_ballot()
    q1, q2 = ballot.questions
    member = cabinet.members[3]
    login(member)
    response = client.post(
        f"/ballots/{ballot.id}/answer",
        data=_form(
            ballot, {q1.id: ("agree", ""), q2.id: ("other", "Đề nghị bổ sung đánh giá tác động.")}
        ),
    )
    assert response.status_code == 302
    saved = services.response_for(ballot, member)
    assert saved.submitted
    assert saved.answer_for(q2.id).comment == "Đề nghị bổ sung đánh giá tác động."
