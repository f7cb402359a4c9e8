"""The one access layer: each loader's `need=` answers as its table says (404, 403, 410)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from flask_login import login_user

from cabinet.db import db, utcnow
from cabinet.errors import Forbidden, NotFound
from meetings.loaders import load_item, load_meeting, load_paper
from meetings.models import Classification, Paper, PaperReader, PaperVersion
from meetings.papers import PaperWithdrawn


@pytest.fixture
def signed_in(app):
    """`with signed_in(user):` a request in which `user` is the signed-in person."""

    @contextmanager
    def enter(user):
        with app.test_request_context():
            login_user(user)
            yield

    return enter


def _outcome(load):
    try:
        load()
    except (NotFound, Forbidden, PaperWithdrawn) as error:
        return error.status
    return 200


PEOPLE = ("secretariat", "chair", "member", "invitee", "deputy")

MEETING_TABLE = {
    # (state, need): status for secretariat, chair, member, invitee, deputy (not named)
    ("draft", "read"): (200, 200, 403, 403, 403),
    ("published", "read"): (200, 200, 200, 200, 403),
    ("published", "manage"): (200, 403, 403, 403, 403),
    ("published", "conduct"): (200, 200, 403, 403, 403),
    ("published", "exists"): (200, 200, 200, 200, 200),
}


def _person(cabinet, name):
    return {
        "secretariat": cabinet.secretariat,
        "chair": cabinet.chair,
        "member": cabinet.members[2],
        "invitee": cabinet.invitee,
        "deputy": cabinet.deputies[0],
    }[name]


@pytest.mark.parametrize(("state", "need"), sorted(MEETING_TABLE))
def test_load_meeting_answers_each_need(cabinet, make_meeting, signed_in, state, need):
    meeting = make_meeting(state=state, invitee_ids=[cabinet.invitee.id])
    for name, expected in zip(PEOPLE, MEETING_TABLE[(state, need)], strict=True):
        with signed_in(_person(cabinet, name)):
            got = _outcome(lambda: load_meeting(meeting.id, need=need))
            concealed = _outcome(lambda: load_meeting(meeting.id, need=need, conceal=True))
        assert got == expected, (name, state, need)
        assert concealed == (404 if expected == 403 else expected), (name, "conceal")


def test_a_missing_object_is_404_whatever_the_need(cabinet, signed_in):
    with signed_in(cabinet.secretariat):
        assert _outcome(lambda: load_meeting(999_999, need="exists")) == 404
        assert _outcome(lambda: load_item(999_999, need="exists")) == 404
        assert _outcome(lambda: load_paper(999_999, need="exists")) == 404


def test_an_item_of_another_meeting_is_404(cabinet, make_meeting, signed_in):
    first, second = make_meeting(state="published"), make_meeting(state="published")
    with signed_in(cabinet.secretariat):
        assert _outcome(lambda: load_item(second.items[0].id, meeting=first)) == 404
        assert load_item(first.items[0].id, meeting=first) is first.items[0]


def test_restricted_item_and_who_may_speak(cabinet, make_meeting, signed_in):
    meeting = make_meeting(state="published", invitee_ids=[cabinet.invitee.id])
    open_item, restricted = meeting.items
    restricted.restricted = True
    db.session.flush()
    with signed_in(cabinet.invitee):
        assert _outcome(lambda: load_item(open_item.id, need="read")) == 200
        assert _outcome(lambda: load_item(restricted.id, need="read")) == 403
        assert _outcome(lambda: load_item(open_item.id, need="speak")) == 200
        assert _outcome(lambda: load_item(restricted.id, need="speak")) == 403
        assert _outcome(lambda: load_item(open_item.id, need="manage")) == 403
    with signed_in(cabinet.members[2]):
        assert _outcome(lambda: load_item(restricted.id, need="speak")) == 200


def _paper(item, *, readers=(), withdrawn=False) -> Paper:
    paper = Paper(
        title="Tờ trình",
        classification=Classification.SECRET if readers else Classification.NORMAL,
        readers=[PaperReader(user_id=u.id) for u in readers],
        withdrawn_at=utcnow() if withdrawn else None,
    )
    paper.versions.append(
        PaperVersion(
            number=1,
            sha256="0" * 64,
            size=1,
            media_type="application/pdf",
            kind="pdf",
            display_name="to-trinh.pdf",
            pdf_sha256="0" * 64,
        )
    )
    item.papers.append(paper)
    db.session.flush()
    return paper


PAPER_CASES = [
    # (paper, person, need, conceal, status)
    ("secret", "member", "see", False, 403),
    ("secret", "member", "see", True, 404),
    ("secret", "member", "read", False, 403),
    ("secret", "member", "read", "meeting", 403),
    ("secret", "reader", "read", False, 200),
    ("secret", "deputy", "read", "meeting", 404),
    ("secret", "deputy", "read", False, 403),
    ("withdrawn", "member", "see", False, 200),
    ("withdrawn", "member", "read", False, 410),
    ("withdrawn", "member", "read", True, 404),
    ("withdrawn", "secretariat", "read", False, 200),
    ("normal", "member", "manage", False, 403),
    ("normal", "secretariat", "manage", False, 200),
]


@pytest.mark.parametrize(("kind", "who", "need", "conceal", "expected"), PAPER_CASES)
def test_load_paper_answers_each_need(
    cabinet, make_meeting, signed_in, kind, who, need, conceal, expected
):
    meeting = make_meeting(state="published")
    reader = cabinet.members[1]
    paper = _paper(
        meeting.items[0],
        readers=[reader] if kind == "secret" else (),
        withdrawn=kind == "withdrawn",
    )
    person = reader if who == "reader" else _person(cabinet, who)
    with signed_in(person):
        got = _outcome(lambda: load_paper(paper.id, need=need, conceal=conceal))
    assert got == expected
