"""The agenda part of `meeting.join` is dumped once per meeting state and audience and shared:
nobody gets what another audience sees, read marks stay personal, and a change shows at once."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from cabinet import packet_json
from cabinet.db import db
from cabinet.users.models import Role, User
from meetings.agenda_facts import agenda_facts, visible_facts
from meetings.models import (
    AgendaItem,
    Meeting,
    Paper,
    PaperReader,
    PaperVersion,
    ParticipantRole,
    item_invitees,
)
from meetings.models.meeting import MeetingParticipant
from meetings.papers.files import last_reads, record_read
from meetings.queries import _AGENDA_DUMPS, _ITEM_JSON, meeting_state, visible_items
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
    """The snapshot as a join acks it (its items encoded once for many, `encoded=True`),
    checked against the same snapshot made of plain values."""
    state = meeting_state(meeting, user)
    assert state.pop("server_time")
    sent = json.loads(packet_json.dumps(meeting_state(meeting, user, encoded=True)))
    assert sent.pop("server_time")
    assert sent == state
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


def test_people_with_the_same_read_marks_are_sent_one_encoding_of_an_item(cabinet, agenda):
    meeting, normal, _secret = agenda
    reader, others = cabinet.members[2], cabinet.members[3:]
    _ITEM_JSON.clear()
    sent = {p.id: meeting_state(meeting, p, encoded=True)["items"] for p in (reader, *others)}
    # each item encoded once: the first join misses, the others find it
    items = len(sent[reader.id])
    assert (_ITEM_JSON.misses, _ITEM_JSON.hits) == (items, items * len(others))
    first = sent[others[0].id][0]
    assert isinstance(first, packet_json.Encoded)
    assert all(sent[p.id][0] is first for p in (reader, *others))  # nobody has read anything

    record_read(normal, reader, normal.current_version)
    db.session.flush()
    mine = meeting_state(meeting, reader, encoded=True)["items"][0]
    theirs = meeting_state(meeting, others[1], encoded=True)["items"][0]
    assert theirs is first and mine is not first  # the reader's own marks, encoded for them
    paper = next(p for p in json.loads(mine.text)["papers"] if p["id"] == normal.id)
    assert (paper["last_read"], paper["unread"]) == (1, False)


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


def _everyone(cabinet, make_user, meeting) -> list[Any]:
    """The cabinet, a deputy, the whole-meeting invitee, an item-only invitee of the restricted
    item and a stranger: every kind of person the rules tell apart."""
    item_guest = make_user(Role.INVITEE, name="Chuyên gia mời riêng")
    stranger = make_user(Role.INVITEE, name="Người ngoài")
    meeting.items[1].invitees.append(item_guest)
    db.session.flush()
    return [
        cabinet.secretariat,
        cabinet.chair,
        *cabinet.members[1:],
        *cabinet.deputies,
        cabinet.invitee,
        item_guest,
        stranger,
    ]


def test_the_facts_and_the_objects_judge_every_item_and_paper_alike(cabinet, agenda, make_user):
    meeting, _normal, _secret = agenda
    people = _everyone(cabinet, make_user, meeting)
    facts = agenda_facts(meeting.id)
    for person in people:
        items, seen = visible_facts(meeting, facts, person)
        assert [i.id for i in items] == [i.id for i in visible_items(meeting, person)], person.name
        assert [p.id for p in seen] == [
            p.id for i in visible_items(meeting, person) for p in i.papers if p.can_see(person)
        ], person.name
        if meeting.can_read(person):
            assert _cached(meeting, person) == _uncached(meeting, person), person.name


def test_a_join_that_finds_its_dump_builds_no_agenda_objects(cabinet, agenda):
    meeting, _normal, _secret = agenda
    member = cabinet.members[2]
    first = _cached(meeting, member)
    db.session.expunge_all()  # the next join's session: nothing loaded
    built: list[Any] = []

    def count(target: Any, _context: Any) -> None:
        built.append(type(target).__name__)

    for model in (AgendaItem, Paper, PaperVersion, PaperReader):
        sa.event.listen(model, "load", count)
    try:
        again = _cached(db.session.get(Meeting, meeting.id), db.session.get(User, member.id))
    finally:
        for model in (AgendaItem, Paper, PaperVersion, PaperReader):
            sa.event.remove(model, "load", count)
    assert again == first
    assert built == []


@pytest.mark.parametrize("change", ["reader added", "reader removed", "item invitee added"])
def test_who_sees_what_changes_on_the_next_join_though_no_stamp_moves(
    cabinet, agenda, make_user, change
):
    """Readers and item invitees are rows of their own: adding or removing one moves no stamp
    and no revision; the next join of the person concerned (and of others) still shows it."""
    meeting, _normal, secret = agenda
    guest = make_user(Role.INVITEE, name="Chuyên gia mời riêng")
    meeting.items[1].invitees.append(guest)
    db.session.flush()
    person = {"reader added": cabinet.members[2], "reader removed": cabinet.members[1]}.get(
        change, guest
    )
    people = [person, cabinet.members[3], cabinet.secretariat]
    for someone in people:
        _cached(meeting, someone)  # the dumps of before, kept
    if change == "reader added":
        db.session.add(PaperReader(paper_id=secret.id, user_id=person.id))
    elif change == "reader removed":
        db.session.delete(db.session.get(PaperReader, (secret.id, person.id)))
    else:
        db.session.execute(
            item_invitees.insert().values(item_id=meeting.items[0].id, user_id=person.id)
        )
    db.session.flush()
    db.session.expunge_all()  # the next join's session
    meeting = db.session.get(Meeting, meeting.id)
    for someone in people:
        someone = db.session.get(User, someone.id)
        assert _cached(meeting, someone) == _uncached(meeting, someone), (change, someone.name)
    sees = {
        p["id"]
        for i in _cached(meeting, db.session.get(User, person.id))["items"]
        for p in i["papers"]
    }
    if change == "reader added":
        assert secret.id in sees
    elif change == "reader removed":
        assert secret.id not in sees
    else:
        assert (
            secret.id not in sees
            and len(_cached(meeting, db.session.get(User, person.id))["items"]) == 2
        )
