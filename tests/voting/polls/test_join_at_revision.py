"""What a join reads of the meeting as a whole (the item under discussion, an open vote, the
paper shown, the newest closed votes) is read once per revision and shared by every join at
that revision; each change the tablets are told about shows on the next join."""

from __future__ import annotations

import re
import uuid

from cabinet.db import db
from cabinet.memo import clear_every_memo
from tests.conftest import statements
from tests.voting.polls.helpers import check_in
from tests.voting.polls.test_polls_per_event_cost import close_votes
from voting.polls import services as polls
from voting.polls.models import PollKind
from voting.rules import Choice

#: A read of the session's state, its votes or the paper shown (not one person's own rows).
MEETING_WIDE = re.compile(r"\bFROM (live_sessions|presentations|polls)\b")


def _meeting_wide(seen: list[str]) -> list[str]:
    return [s for s in seen if MEETING_WIDE.search(s)]


def test_joins_at_one_revision_read_the_meeting_wide_facts_once(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    [closed] = close_votes(session, 1)
    clear_every_memo()
    with statements() as first:
        join(cab.members[1], meeting)
    with statements() as second:
        _, ack = join(cab.members[2], meeting)
    # The first join reads the item under discussion, whether a vote is open, the newest
    # closed votes, the shown paper, the last result's counts, and the session's state for
    # the live part it builds; the second none of them (it read 4 of them before).
    assert len(_meeting_wide(first)) == 6, "\n".join(_meeting_wide(first))
    assert _meeting_wide(second) == [], "\n".join(_meeting_wide(second))
    live = ack["state"]["live"]
    assert live["current_item"]["item_id"] == session.items[0].id
    assert (live["vote"], live["last_result"]["id"]) == (None, closed)
    assert ack["state"]["presenting"] is None


def test_a_vote_opened_or_closed_and_a_new_item_show_on_the_next_join(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    [closed] = close_votes(session, 1)
    join(cab.members[1], meeting)  # the facts at this revision, kept
    poll = polls.open_poll(
        meeting, cab.chair, item=session.items[0], question="Thông qua?", kind=PollKind.OPEN
    )
    polls.cast_vote(poll, cab.members[2], Choice.APPROVE, uuid.uuid4().hex)
    db.session.commit()

    _, ack = join(cab.members[2], meeting)
    live = ack["state"]["live"]
    assert live["vote"]["poll"]["id"] == poll.id and live["vote"]["my_cast"] is not None
    assert live["last_result"]["id"] == closed

    polls.close_poll(poll, cab.chair)
    db.session.commit()
    _, ack = join(cab.members[3], meeting)
    assert (ack["state"]["live"]["vote"], ack["state"]["live"]["last_result"]["id"]) == (
        None,
        poll.id,
    )

    chair, _ = join(cab.chair, meeting)
    moved = chair.emit(
        "session.set_current_item",
        {"meeting_id": meeting.id, "item_id": session.items[1].id},
        callback=True,
    )
    assert moved["ok"], moved
    _, ack = join(cab.members[4], meeting)
    assert ack["state"]["live"]["current_item"]["item_id"] == session.items[1].id
