"""Fixtures for live-session tests: an opened session of a 27-member cabinet, tablets joined to it."""

from __future__ import annotations

import pytest
from flask import g

from tests.voting.polls.helpers import Tablet, build_session
from voting.polls.progress import progress_flusher


@pytest.fixture(autouse=True)
def manual_progress():
    """Progress emits happen when a test flushes them, not on a timer."""
    progress_flusher.autostart = False
    progress_flusher._dirty.clear()
    yield progress_flusher
    progress_flusher._dirty.clear()
    progress_flusher.autostart = True


@pytest.fixture
def session(db, make_cabinet):
    """An opened session of a 27-member cabinet, nobody checked in yet."""
    return build_session(make_cabinet(27))


@pytest.fixture
def join(socket_client):
    """`join(user, meeting)`: a socket client that followed the meeting; returns (client, ack)."""

    def make(user, meeting):
        g.pop("_login_user", None)
        sio = Tablet(socket_client(user))
        ack = sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
        assert ack["ok"], ack
        sio.get_received()  # start each test from a clean inbox
        return sio, ack

    return make
