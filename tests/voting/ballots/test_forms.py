"""The HTML forms and the API load ballots through the same schemas: the same bad input is
refused the same way through both doors, with the same message next to the form's field."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cabinet.dates import local
from cabinet.db import db, utcnow
from cabinet.users.models import Role
from voting.ballots.models import Ballot

PAST = utcnow() - timedelta(days=1)
FUTURE = utcnow() + timedelta(days=7)


def _form(title: str, questions: list[str], deadline) -> dict:
    moment = local(deadline)
    return {
        "title": title,
        "background": "",
        # The form always posts one more, empty, question box.
        "questions": [*questions, ""],
        "deadline_date": moment.date().isoformat(),
        "deadline_time": moment.strftime("%H:%M"),
    }


def _json(title: str, questions: list[str], deadline) -> dict:
    return {"title": title, "questions": questions, "deadline": deadline.isoformat()}


def _error_next_to(page: str, field_id: str) -> str:
    """The text of the error paragraph of one form field (linked to it by its id)."""
    found = re.search(rf'id="{field_id}-error"[^>]*>(.*?)</p>', page, re.S)
    assert found, f"no error shown for {field_id}"
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def _ballots() -> int:
    return db.session.scalar(select(func.count(Ballot.id)))


@pytest.mark.parametrize(
    ("title", "questions", "deadline", "fields"),
    [
        # too short a title, no question, a deadline already past
        (
            "ab",
            [],
            PAST,
            {"title": "f-title", "questions": "f-questions", "deadline": "f-deadline_date"},
        ),
        # white space does not make a title
        ("   ab   ", ["Đồng ý thông qua?"], FUTURE, {"title": "f-title"}),
        ("Dự thảo Nghị định", ["Đồng ý thông qua?"], PAST, {"deadline": "f-deadline_date"}),
    ],
)
def test_the_same_bad_ballot_is_refused_the_same_way_by_the_form_and_the_api(
    db, make_user, login, client, title, questions, deadline, fields
):
    login(make_user(Role.SECRETARIAT))
    before = _ballots()

    api = client.post("/api/v1/ballots", json=_json(title, questions, deadline))
    page = client.post("/ballots/new", data=_form(title, questions, deadline))

    assert api.status_code == page.status_code == 422
    assert set(api.json["fields"]) == set(fields)
    text = page.get_data(as_text=True)
    for name, field_id in fields.items():
        (message,) = api.json["fields"][name]
        shown = _error_next_to(text, field_id)
        assert shown == message
    assert _ballots() == before
    # What was entered is kept in the form.
    assert f'value="{html_lib.escape(title)}"' in text


def test_a_too_short_question_is_named_by_its_number_in_the_form(db, make_user, login, client):
    login(make_user(Role.SECRETARIAT))
    questions = ["Đồng ý thông qua dự thảo?", "Ok"]

    api = client.post("/api/v1/ballots", json=_json("Dự thảo Nghị định", questions, FUTURE))
    page = client.post("/ballots/new", data=_form("Dự thảo Nghị định", questions, FUTURE))

    assert api.status_code == page.status_code == 422
    # The API names the item by its index; the form, by its number.
    assert api.json["fields"] == {"questions": [{"1": ["Mỗi câu hỏi cần từ 3 đến 5.000 ký tự."]}]}
    shown = _error_next_to(page.get_data(as_text=True), "f-questions")
    assert shown == "Câu hỏi 2: Mỗi câu hỏi cần từ 3 đến 5.000 ký tự."


def test_both_doors_refuse_in_the_persons_language(db, make_user, login, client):
    login(make_user(Role.SECRETARIAT, locale="en"))

    api = client.post("/api/v1/ballots", json=_json("ab", ["Agree?"], FUTURE))
    page = client.post("/ballots/new", data=_form("ab", ["Agree?"], FUTURE))

    assert api.json["fields"] == {"title": ["Please enter a title (at least 3 characters)."]}
    shown = _error_next_to(page.get_data(as_text=True), "f-title")
    assert shown == "Please enter a title (at least 3 characters)."


def test_a_good_form_creates_the_draft_the_api_would(db, make_user, make_cabinet, login, client):
    cabinet = make_cabinet(n=3, deputies=0)
    login(cabinet.secretariat)
    page = client.post(
        "/ballots/new", data=_form("  Dự thảo Nghị định  ", ["Đồng ý thông qua?"], FUTURE)
    )
    assert page.status_code == 302
    api = client.post(
        "/api/v1/ballots", json=_json("  Dự thảo Nghị định  ", ["Đồng ý thông qua?"], FUTURE)
    )
    assert api.status_code == 201
    made = db.session.scalars(select(Ballot).order_by(Ballot.id)).all()[-2:]
    assert [b.title for b in made] == ["Dự thảo Nghị định"] * 2
    assert [[q.text for q in b.questions] for b in made] == [["Đồng ý thông qua?"]] * 2
    # The form's minute-precise local time and the API's moment name the same deadline.
    assert made[0].deadline == FUTURE.replace(second=0, microsecond=0)
    assert [len(b.voters) for b in made] == [3, 3]


def test_an_invalid_answer_is_refused_alike_and_keyed_by_its_question(
    db, make_ballot, login, client
):
    cabinet, ballot = make_ballot()
    q1, q2 = ballot.questions
    login(cabinet.members[1])
    bad = {"question_id": q1.id, "choice": "maybe", "comment": ""}

    api = client.put(
        f"/api/v1/ballots/{ballot.id}/response", json={"submit": False, "answers": [bad]}
    )
    page = client.post(
        f"/ballots/{ballot.id}/answer",
        data={
            "action": "draft",
            f"q{q1.id}.present": "1",
            f"q{q1.id}.choice": "maybe",
            f"q{q1.id}.comment": "",
            f"q{q2.id}.present": "1",
        },
    )

    assert api.status_code == page.status_code == 422
    assert api.json["fields"] == {f"q{q1.id}.choice": ["Hãy chọn một ý kiến cho câu hỏi này."]}
    shown = _error_next_to(page.get_data(as_text=True), f"f-q{q1.id}-choice")
    assert shown == "Hãy chọn một ý kiến cho câu hỏi này."
