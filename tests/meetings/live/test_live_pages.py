"""The live-session pages render for the right people."""

from __future__ import annotations

import re

import pytest
from flask import g

from tests.voting.polls.helpers import build_session, check_in


@pytest.fixture
def get_as(user_client):
    """`get_as(user, url)`: a GET by that person."""

    def get(user, url):
        g.pop("_login_user", None)  # see helpers.Tablet
        return user_client(user).get(url)

    return get


def test_tablet_console_and_board(session, get_as):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members[:20])
    tablet = get_as(cab.members[3], f"/meetings/{meeting.id}/live")
    assert tablet.status_code == 200
    html = tablet.get_data(as_text=True)
    assert 'id="vote-template"' in html and "Tán thành" in html and "live/tablet.js" in html

    assert get_as(cab.chair, f"/meetings/{meeting.id}/live/console").status_code == 200
    assert get_as(cab.secretariat, f"/meetings/{meeting.id}/live/console").status_code == 200
    board = get_as(cab.secretariat, f"/meetings/{meeting.id}/live/attendance")
    assert board.status_code == 200
    text = board.get_data(as_text=True)
    assert "20" in text and cab.members[26].name in text
    # Refusals last: the error handler rolls the session back (the test's data with it).
    assert get_as(cab.members[3], f"/meetings/{meeting.id}/live/attendance").status_code == 403


def test_members_cannot_open_the_console(session, get_as):
    assert (
        get_as(session.cab.members[3], f"/meetings/{session.meeting.id}/live/console").status_code
        == 403
    )


def test_outsider_cannot_open_the_tablet_page(session, get_as, make_user):
    from cabinet.users.models import Role

    outsider = make_user(Role.MEMBER, name="Người ngoài")
    assert get_as(outsider, f"/meetings/{session.meeting.id}/live").status_code == 403


def _board(get_as, session):
    html = get_as(
        session.cab.secretariat, f"/meetings/{session.meeting.id}/live/attendance"
    ).get_data(as_text=True)
    marks = set(re.findall(r'data-mark="(\w+)"', html))
    return html, marks


def test_attendance_board_offers_only_the_marks_the_state_allows(db, session, get_as):
    from meetings.models import MeetingState
    from meetings.services import change_state

    html, marks = _board(get_as, session)
    assert marks == {"present", "leave", "absent"}
    assert 'id="attendance-note"' not in html

    change_state(session.meeting, MeetingState.CLOSED, actor=session.cab.chair)
    db.session.flush()
    html, marks = _board(get_as, session)
    assert marks == set() and "data-deputy=" not in html and "Thao tác" not in html
    assert "Phiên họp đã kết thúc" in html
    assert session.cab.members[26].name in html  # the record is still shown


def test_attendance_board_before_the_opening_marks_absence_only(db, make_cabinet, get_as):
    published = build_session(make_cabinet(27), open_session=False)
    html, marks = _board(get_as, published)
    assert marks == {"leave", "absent"}
    assert "ghi nhận có mặt khi phiên họp bắt đầu" in html
