"""A display token opens this meeting's room view and nothing else; once revoked, nothing."""

from __future__ import annotations

import time

import pytest

from cabinet.db import db
from cabinet.extensions import socketio
from meetings.models import Meeting
from voting.display import services


@pytest.fixture
def token(app, room):
    meeting_id, _items, people = room
    with app.test_request_context():
        row, token = services.create_token(db.session.get(Meeting, meeting_id), people[3])
        db.session.commit()
        return meeting_id, row.id, token, people


def _screen_socket(app, token):
    return socketio.test_client(app, flask_test_client=app.test_client(), auth={"display": token})


def test_the_token_reads_the_room_view_only(app, token):
    meeting_id, _row_id, value, people = token
    client = app.test_client()
    page = client.get(f"/display/{value}")
    assert page.status_code == 200
    assert "Phiên họp Chính phủ thường kỳ tháng 4 năm 2026" in page.get_data(as_text=True)
    english = client.get(f"/display/{value}?lang=en").get_data(as_text=True)
    assert "Room screen" in english and 'lang="en"' in english
    # The token is no sign-in: every other page and API still asks who you are.
    assert client.get(f"/meetings/{meeting_id}").status_code == 302
    assert client.get(f"/api/v1/meetings/{meeting_id}").status_code == 401
    assert client.get("/api/v1/items/1/motions").status_code == 401
    assert client.get(f"/meetings/{meeting_id}/displays").status_code == 302
    assert client.get(f"/display/{value}x").status_code == 404

    sio = _screen_socket(app, value)
    assert sio.is_connected()
    first = [m for m in sio.get_received() if m["name"] == "display.state"]
    assert first and first[0]["args"][0]["meeting"]["id"] == meeting_id
    # Its socket can call nothing: every event needs a signed-in person.
    for event, data in [
        ("meeting.join", {"meeting_id": meeting_id}),
        ("vote.open", {"meeting_id": meeting_id, "question": "Thông qua?"}),
        ("speaking.request", {"meeting_id": meeting_id, "item_id": 1}),
    ]:
        ack = sio.emit(event, data, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "unauthorized", (event, ack)
    sio.disconnect()


def test_a_revoked_token_is_refused_and_its_screens_are_dropped(app, token):
    meeting_id, row_id, value, people = token
    sio = _screen_socket(app, value)
    assert sio.is_connected()
    sio.get_received()
    with app.test_request_context():
        services.revoke_token(
            services.load_token(db.session.get(Meeting, meeting_id), row_id), people[3]
        )
        db.session.commit()
    # The drop runs as a background task once the revocation is committed: wait for it.
    deadline = time.monotonic() + 5
    while sio.is_connected() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not sio.is_connected()
    assert app.test_client().get(f"/display/{value}").status_code == 404
    again = _screen_socket(app, value)
    assert not again.is_connected()


def test_unknown_and_malformed_tokens_are_refused(app, room):
    for bad in ("", "short", "x" * 43, 12345, None):
        sio = socketio.test_client(app, flask_test_client=app.test_client(), auth={"display": bad})
        assert not sio.is_connected(), bad
