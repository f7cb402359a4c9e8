"""The minutes drafted at the close name the prepared motion each vote was opened on."""

from __future__ import annotations

import uuid

from meetings.live import services as live
from meetings.motions import services as motions
from records import services
from tests.voting.polls.helpers import build_session, check_in
from voting.polls import services as polls
from voting.polls.models import PollKind


def test_minutes_list_each_vote_with_its_motion(db, make_cabinet):
    s = build_session(make_cabinet(5, deputies=1))
    cab, item = s.cab, s.items[0]
    motion = motions.add_motion(item, cab.secretariat, text="Thông qua dự án Luật.")
    check_in(s.meeting, cab.members)
    for on, question in ((motion, motion.text), (None, "Giao Bộ hoàn thiện hồ sơ?")):
        poll = polls.open_poll(
            s.meeting, cab.chair, item=item, question=question, kind=PollKind.OPEN, motion=on
        )
        for member in cab.members:
            polls.cast_vote(poll, member, "approve", uuid.uuid4().hex)
        polls.close_poll(poll, cab.chair)
    live.close_session(s.meeting, cab.chair)
    votes = services.minutes_of(s.meeting).content["items"][0]["votes"]
    assert [(v["motion"], v["question"]) for v in votes] == [
        ("Dự thảo kết luận 1", "Thông qua dự án Luật."),
        ("", "Giao Bộ hoàn thiện hồ sơ?"),
    ]
    assert votes[0]["outcome_text"].startswith("Thông qua: 5/5")
