"""What the room screen's state holds: never names, papers or a restricted item's content."""

from __future__ import annotations

import json
import uuid

from meetings.live import services as live
from tests.voting.polls.helpers import build_session, check_in
from voting.display.state import display_state
from voting.polls import services as polls
from voting.polls.models import PollKind


def test_state_shows_counts_and_progress_never_names(db, make_cabinet):
    s = build_session(make_cabinet(5, deputies=1))
    cab = s.cab
    check_in(s.meeting, cab.members)
    live.set_current_item(s.meeting, cab.chair, s.items[0])
    poll = polls.open_poll(
        s.meeting, cab.chair, item=s.items[0], question="Thông qua?", kind=PollKind.OPEN
    )
    polls.cast_vote(poll, cab.members[1], "approve", uuid.uuid4().hex)
    state = display_state(s.meeting)
    assert state["vote"]["voted"] == 1 and state["vote"]["eligible"] == 5
    assert "approve" not in state["vote"]  # no running tally on the screen
    polls.close_poll(poll, cab.chair)
    state = display_state(s.meeting)
    assert state["vote"] is None
    assert state["last_result"]["result"]["approve"] == 1
    text = json.dumps(state, default=str, ensure_ascii=False)
    for member in cab.members[1:]:
        assert member.name not in text  # the result is counts only, never who chose what


def test_restricted_item_shows_its_number_only(db, make_cabinet):
    s = build_session(make_cabinet(5, deputies=1))
    cab = s.cab
    check_in(s.meeting, cab.members)
    restricted = s.items[2]
    live.set_current_item(s.meeting, cab.chair, restricted)
    polls.open_poll(
        s.meeting, cab.chair, item=restricted, question="Nhân sự?", kind=PollKind.SECRET
    )
    state = display_state(s.meeting)
    assert state["current"]["restricted"] is True
    assert state["current"]["title"] is None and state["current"]["speaker"] is None
    assert state["vote"] is None and state["last_result"] is None
    text = json.dumps(state, default=str, ensure_ascii=False)
    assert restricted.title not in text and "Nhân sự?" not in text


def test_a_closed_session_shows_nothing_but_its_state(db, make_cabinet):
    s = build_session(make_cabinet(5, deputies=1))
    check_in(s.meeting, s.cab.members)
    live.set_current_item(s.meeting, s.cab.chair, s.items[0])
    live.close_session(s.meeting, s.cab.chair)
    state = display_state(s.meeting)
    assert state["meeting"]["state"] == "closed"
    assert (state["current"], state["vote"], state["last_result"]) == (None, None, None)


def test_the_speaker_comes_with_the_time_they_have(db, make_cabinet):
    """The screen's countdown: when the floor was given and the limit (the item's, else the
    session's), both from the server."""
    from meetings.live.speakers import set_speaking_limit

    s = build_session(make_cabinet(5, deputies=1))
    cab = s.cab
    check_in(s.meeting, cab.members)
    live.set_current_item(s.meeting, cab.chair, s.items[0])
    req = live.request_floor(s.meeting, cab.members[1], s.items[0])
    live.give_floor(s.meeting, cab.chair, req.id)
    speaker = display_state(s.meeting)["current"]["speaker"]
    assert speaker["limit_seconds"] is None and speaker["since"]
    set_speaking_limit(s.meeting, cab.chair, None, 300)
    assert display_state(s.meeting)["current"]["speaker"]["limit_seconds"] == 300
    set_speaking_limit(s.meeting, cab.chair, s.items[0], 120)
    assert display_state(s.meeting)["current"]["speaker"]["limit_seconds"] == 120
