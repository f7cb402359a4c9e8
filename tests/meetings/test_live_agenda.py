"""Socket.IO: tablets following a meeting get agenda changes; others get nothing."""

from __future__ import annotations

from sqlalchemy import select

from cabinet.db import db
from cabinet.users.models import User
from meetings import services
from meetings.models import AgendaItem, Meeting
from tests.conftest import events_named, loaded, statements


def test_reorder_over_http_reaches_both_members_and_no_one_else(
    client, login, cabinet, make_meeting, socket_client
):
    a, b, outsider = cabinet.members[1], cabinet.members[2], cabinet.members[3]
    ours = make_meeting(items=3, state="published", member_ids=[a.id, b.id])
    other = make_meeting(items=1, state="published", member_ids=[outsider.id], title="Phiên khác")
    tablets = {}
    for user, meeting in ((a, ours), (b, ours), (outsider, other)):
        sio = socket_client(user)
        ack = sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
        assert ack["ok"], (user, meeting, ack)
        assert [i["id"] for i in ack["state"]["items"]] == [i.id for i in meeting.items]
        sio.get_received()
        tablets[user.id] = sio

    new_order = [i.id for i in reversed(ours.items)]
    login(cabinet.secretariat)
    response = client.put(f"/api/v1/meetings/{ours.id}/order", json={"order": new_order})
    assert response.status_code == 200 and response.get_json() == {"order": new_order}

    for member in (a, b):
        events = events_named(tablets[member.id], "agenda.reordered")
        assert len(events) == 1
        assert events[0]["order"] == new_order and events[0]["meeting_id"] == ours.id
    assert tablets[outsider.id].get_received() == []


def test_member_of_another_meeting_cannot_join(cabinet, make_meeting, socket_client):
    meeting = make_meeting(state="published", member_ids=[cabinet.members[1].id])
    sio = socket_client(cabinet.members[3])
    ack = sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"


def test_rejoin_gives_the_current_state_in_one_message(cabinet, make_meeting, socket_client):
    member = cabinet.members[1]
    meeting = make_meeting(items=2, state="published")
    sio = socket_client(member)
    sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
    sio.disconnect()  # ends the socket's session: load the meeting again
    meeting = db.session.get(Meeting, meeting.id)
    secretariat = db.session.get(User, cabinet.secretariat.id)
    # While the tablet is away the secretariat adds an item.
    services.add_item(meeting, {"title": "Nội dung bổ sung"}, actor=secretariat)
    db.session.commit()
    again = socket_client(member)
    ack = again.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
    assert [i["title"] for i in ack["state"]["items"]][-1] == "Nội dung bổ sung"
    assert ack["state"]["meeting"]["version"] == meeting.version


def test_restricted_item_content_is_not_broadcast(
    client, login, cabinet, make_meeting, socket_client
):
    meeting = make_meeting(items=1, state="published")
    sio = socket_client(cabinet.members[1])
    sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
    sio.get_received()
    login(cabinet.secretariat)
    response = client.post(
        f"/api/v1/meetings/{meeting.id}/items",
        json={"title": "Nhân sự cấp cao", "restricted": True},
    )
    assert response.status_code == 201
    (event,) = events_named(sio, "agenda.item_added")
    assert event["restricted"] is True and "item" not in event
    assert "Nhân sự" not in str(event)


def test_reorder_must_be_a_permutation(client, login, cabinet, make_meeting):
    meeting = make_meeting(items=3)
    ids = [i.id for i in meeting.items]
    login(cabinet.secretariat)
    dup = client.put(
        f"/api/v1/meetings/{meeting.id}/order", json={"order": [ids[0], ids[0], ids[1]]}
    )
    assert dup.status_code == 422


def test_reorder_with_a_stale_agenda_is_a_conflict_with_the_current_order(
    client, login, cabinet, make_meeting
):
    meeting = make_meeting(items=3)
    ids = [i.id for i in meeting.items]
    login(cabinet.secretariat)
    stale = client.put(f"/api/v1/meetings/{meeting.id}/order", json={"order": ids[:2]})
    assert stale.status_code == 409
    assert stale.get_json()["code"] == "agenda.stale" and stale.get_json()["order"] == ids


def test_a_reorder_builds_no_item_and_the_session_sees_the_new_order(
    client, login, cabinet, make_meeting
):
    """The order is read as ids and the positions written by one UPDATE (one executemany), not
    by loading and flushing every item; what the request's session held of the items shows the
    new order, and the items' stamps move (the agenda dump is keyed on them)."""
    meeting = make_meeting(items=6)
    secretariat = db.session.get(User, cabinet.secretariat.id)
    items = list(meeting.items)
    stamps = {i.id: i.updated_at for i in items}
    new_order = [i.id for i in reversed(items)]
    services.reorder_items(meeting, new_order, actor=secretariat)
    assert [i.id for i in meeting.items] == new_order
    assert [i.position for i in items] == [6, 5, 4, 3, 2, 1]
    assert all(i.updated_at > stamps[i.id] for i in items)
    db.session.commit()

    db.session.expunge_all()  # a request of its own: nothing of the agenda loaded yet
    meeting, secretariat = db.session.get(Meeting, meeting.id), db.session.get(User, secretariat.id)
    with loaded(AgendaItem) as built, statements() as seen:
        services.reorder_items(meeting, new_order[::-1], actor=secretariat)
    assert built["AgendaItem"] == 0
    assert len([s for s in seen if s.startswith("UPDATE agenda_items")]) == 1
    db.session.commit()
    db.session.expire_all()
    stored = select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id)
    assert list(db.session.scalars(stored.order_by(AgendaItem.position))) == new_order[::-1]
    login(cabinet.secretariat)  # over HTTP, from the stored order
    again = client.put(f"/api/v1/meetings/{meeting.id}/order", json={"order": new_order})
    assert again.status_code == 200 and again.get_json() == {"order": new_order}
