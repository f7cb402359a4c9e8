"""The agenda part of `meeting.join` is dumped once per meeting state and audience and shared:
nobody gets what another audience sees, read marks stay personal, and a change shows at once."""

from __future__ import annotations

from typing import Any

import pytest

from cabinet.db import db
from cabinet.users.models import Role
from meetings.models import ParticipantRole
from meetings.models.meeting import MeetingParticipant
from meetings.papers.files import last_reads, record_read
from meetings.queries import _AGENDA_DUMPS, meeting_state, visible_items
from meetings.schemas import MeetingStateSchema, viewing
from tests.meetings.test_loaders import _paper


def _uncached(meeting: Any, user: Any) -> dict[str, Any]:
    """The dump as it was made before the memo: everything for this one person."""
    items = visible_items(meeting, user)
    reads = last_reads([p for i in items for p in i.papers if p.can_see(user)], user)
    with viewing(user, reads):
        return MeetingStateSchema(exclude=("server_time",)).dump(
            {"meeting": meeting, "can_manage": meeting.can_manage(user), "items": items}
        )


def _cached(meeting: Any, user: Any) -> dict[str, Any]:
    state = meeting_state(meeting, user)
    assert state.pop("server_time")
    return state


@pytest.fixture
def agenda(cabinet, make_meeting):
    """A published meeting: an open item with a normal paper and a secret one (read by member
    2 only), and a restricted item; an item-only invitee of the restricted item."""
    _AGENDA_DUMPS.clear()
    meeting = make_meeting(items=2, state="published", invitee_ids=[cabinet.invitee.id])
    open_item, restricted = meeting.items
    restricted.restricted = True
    normal = _paper(open_item)
    secret = _paper(open_item, readers=[cabinet.members[1]])
    _paper(restricted)
    for paper in (normal, secret):
        paper.current_version = paper.versions[0]
    db.session.flush()
    return meeting, normal, secret


def test_each_audience_gets_exactly_its_own_dump_whoever_came_first(cabinet, agenda):
    meeting, _normal, secret = agenda
    people = [
        cabinet.secretariat,  # sees everything: fills the memo first
        cabinet.members[1],  # the secret paper's reader
        cabinet.members[2],
        cabinet.invitee,  # whole-meeting invitee: not the restricted item
        cabinet.chair,
        cabinet.members[3],
    ]
    for person in people + people[::-1]:
        assert _cached(meeting, person) == _uncached(meeting, person), person.name

    member_sees = [
        p["id"] for i in _cached(meeting, cabinet.members[2])["items"] for p in i["papers"]
    ]
    assert secret.id not in member_sees
    assert len(_cached(meeting, cabinet.invitee)["items"]) == 1
    assert _cached(meeting, cabinet.secretariat)["can_manage"] is True


def test_people_of_one_audience_share_one_dump(cabinet, agenda):
    meeting, _normal, _secret = agenda
    for member in cabinet.members[2:]:
        meeting_state(meeting, member)
    # members 3..5 see the same papers: one dump made, the others shared
    assert (_AGENDA_DUMPS.misses, _AGENDA_DUMPS.hits) == (1, len(cabinet.members[2:]) - 1)


def test_read_marks_stay_personal(cabinet, agenda):
    meeting, normal, _secret = agenda
    reader, other = cabinet.members[2], cabinet.members[3]
    record_read(normal, reader, normal.current_version)
    db.session.flush()
    marks = {
        person.id: next(
            p for p in _cached(meeting, person)["items"][0]["papers"] if p["id"] == normal.id
        )
        for person in (reader, other, reader)
    }
    assert (marks[reader.id]["last_read"], marks[reader.id]["unread"]) == (1, False)
    assert (marks[other.id]["last_read"], marks[other.id]["unread"]) == (None, True)
    assert _cached(meeting, reader) == _uncached(meeting, reader)


def test_a_change_that_bumps_no_revision_still_shows_on_the_next_join(cabinet, agenda):
    meeting, normal, _secret = agenda
    member = cabinet.members[2]
    before = meeting.revision
    _cached(meeting, member)
    normal.title = "Tờ trình (bản sửa)"
    db.session.flush()  # no broadcast, so no new revision: the rows' stamps tell
    assert meeting.revision == before
    titles = [p["title"] for p in _cached(meeting, member)["items"][0]["papers"]]
    assert "Tờ trình (bản sửa)" in titles


def test_a_participant_looked_up_before_an_invitation_is_found_after_it(
    cabinet, make_meeting, make_user
):
    meeting = make_meeting(state="published")
    newcomer = make_user(Role.MEMBER, name="Bộ trưởng mới")
    db.session.expire(meeting)  # a join's meeting: participants not loaded
    assert not meeting.can_read(newcomer)  # their row looked up alone, and kept
    db.session.add(
        MeetingParticipant(meeting_id=meeting.id, user_id=newcomer.id, role=ParticipantRole.MEMBER)
    )
    db.session.commit()  # expires the meeting: what was kept goes with it
    assert "participants" not in meeting.__dict__
    assert meeting.participant(newcomer) is not None
    assert meeting.can_read(newcomer)
