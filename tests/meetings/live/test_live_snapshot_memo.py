"""The live part of `meeting.join` is built once per announced change and shared: what each
person gets is what they got when it was built for them alone, and the next change shows."""

from __future__ import annotations

from typing import Any

from meetings.live.snapshot import _SHARED


def _live(ack: dict[str, Any]) -> dict[str, Any]:
    """The live part without the server's clock (laid over per join)."""
    live = {**ack["state"]["live"]}
    for timed in ("current_item", "speaking"):
        if live[timed] is not None:
            live[timed] = {k: v for k, v in live[timed].items() if k != "server_now"}
    return live


def test_the_live_part_is_shared_until_a_change_is_announced(session, join):
    cab, meeting = session.cab, session.meeting
    _SHARED.clear()
    first, _ = join(cab.members[1], meeting)
    _, second = join(cab.members[2], meeting)
    assert (_SHARED.misses, _SHARED.hits) == (1, 1)
    present = second["state"]["live"]["quorum"]["present"]  # the chair, from the opening

    assert first.emit("attendance.check_in", {"meeting_id": meeting.id}, callback=True)["ok"]
    _, third = join(cab.members[3], meeting)
    assert third["state"]["revision"] > second["state"]["revision"]
    assert third["state"]["live"]["quorum"]["present"] == present + 1
    assert third["state"]["live"]["me"]["attendance"] is None  # `me` is never shared
    _, again = join(cab.members[1], meeting)
    assert again["state"]["live"]["me"]["attendance"]["presence"] == "present"


def test_each_person_gets_what_was_built_for_them_alone(session, join):
    cab, meeting = session.cab, session.meeting
    chair, _ = join(cab.chair, meeting)
    restricted = session.items[2]  # the invitee may not read it, nor see its speakers' list
    ack = chair.emit(
        "session.set_current_item",
        {"meeting_id": meeting.id, "item_id": restricted.id},
        callback=True,
    )
    assert ack["ok"], ack
    people = [cab.members[1], cab.invitee, cab.chair, cab.secretariat, cab.members[4]]
    alone = {}
    for person in people:
        _SHARED.clear()
        alone[person.id] = _live(join(person, meeting)[1])
    _SHARED.clear()
    for person in people + people[::-1]:
        assert _live(join(person, meeting)[1]) == alone[person.id], person.name
    assert alone[cab.invitee.id]["speaking"] is None
    assert alone[cab.members[1].id]["speaking"]["item_id"] == restricted.id
