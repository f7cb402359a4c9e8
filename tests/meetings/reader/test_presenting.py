"""Follow the presenter over Socket.IO: who may present, who hears of it, what a rejoin shows."""

from __future__ import annotations

import pytest
from flask import g

from cabinet.db import db
from meetings.live import services as live


def joined(socket_client, user, meeting):
    g.pop("_login_user", None)
    sio = socket_client(user)
    ack = sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
    assert ack["ok"], ack
    sio.get_received()
    return sio, ack["state"]


def events(sio, name):
    return [e["args"][0] for e in sio.get_received() if e["name"] == name]


@pytest.fixture
def in_session(app, reader_world):
    with app.test_request_context():
        live.open_session(reader_world.meeting, reader_world.cabinet.chair)
        db.session.commit()
    return reader_world


def show(sio, world, paper, page):
    return sio.emit(
        "presenter.show",
        {"meeting_id": world.meeting.id, "paper_id": paper.id, "page": page},
        callback=True,
    )


def test_the_room_follows_a_paper_for_everyone(socket_client, in_session):
    world = in_session
    presenter, _ = joined(socket_client, world.cabinet.secretariat, world.meeting)
    member, _ = joined(socket_client, world.cabinet.members[2], world.meeting)
    ack = show(presenter, world, world.normal, 3)
    assert ack["ok"], ack
    [shown] = events(member, "presenter.shown")
    assert (shown["paper_id"], shown["page"]) == (world.normal.id, 3)
    assert shown["reader_url"] == f"/papers/{world.normal.id}/read"
    # A reconnecting tablet finds it in its snapshot.
    _, state = joined(socket_client, world.cabinet.members[3], world.meeting)
    assert state["presenting"]["page"] == 3
    # Beyond the last page is refused with a reason.
    refused = show(presenter, world, world.normal, 9)
    assert not refused["ok"] and "3 trang" in str(refused["error"])


def test_a_classified_paper_reaches_only_its_readers(socket_client, in_session):
    world = in_session
    presenter, _ = joined(socket_client, world.cabinet.secretariat, world.meeting)
    reader, _ = joined(socket_client, world.cabinet.members[1], world.meeting)  # named reader
    outsider, _ = joined(socket_client, world.cabinet.members[2], world.meeting)
    assert show(presenter, world, world.secret, 2)["ok"]
    assert [e["paper_id"] for e in events(reader, "presenter.shown")] == [world.secret.id]
    # Not its title, not its id: nothing at all, live or in the snapshot.
    received = outsider.get_received()
    assert world.secret.title not in repr(received)
    assert events(outsider, "presenter.shown") == []
    _, state = joined(socket_client, world.cabinet.members[2], world.meeting)
    assert state["presenting"] is None
    _, state = joined(socket_client, world.cabinet.members[1], world.meeting)
    assert state["presenting"]["paper_id"] == world.secret.id


def test_only_the_secretariat_or_the_presenting_ministry_presents(socket_client, in_session, app):
    world = in_session
    member = world.cabinet.members[2]
    sio, _ = joined(socket_client, member, world.meeting)
    refused = show(sio, world, world.normal, 1)
    assert not refused["ok"] and refused["error"]["code"] == "forbidden"
    member.ministry = world.items[0].ministry  # "Bộ Tài chính" presents item 1
    db.session.commit()
    assert show(sio, world, world.normal, 2)["ok"]
    # A paper the member may not read is not theirs to present, and is not revealed.
    refused = show(sio, world, world.secret, 1)
    assert not refused["ok"] and refused["error"]["code"] == "not_found"
    stop = sio.emit("presenter.stop", {"meeting_id": world.meeting.id}, callback=True)
    assert stop["ok"]


def test_presenting_needs_an_open_session(socket_client, reader_world):
    world = reader_world
    sio, _ = joined(socket_client, world.cabinet.secretariat, world.meeting)
    refused = show(sio, world, world.normal, 1)
    assert not refused["ok"] and refused["error"]["code"] == "session.not_open"


def test_a_closed_session_shows_nothing(socket_client, in_session, app):
    world = in_session
    presenter, _ = joined(socket_client, world.cabinet.secretariat, world.meeting)
    assert show(presenter, world, world.normal, 2)["ok"]
    with app.test_request_context():
        live.close_session(world.meeting, world.cabinet.chair)
        db.session.commit()
    _, state = joined(socket_client, world.cabinet.members[2], world.meeting)
    assert state["presenting"] is None
