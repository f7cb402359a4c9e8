"""Fixtures for live-session tests: an opened session of a 27-member cabinet, tablets joined to it."""

from __future__ import annotations

import time

import pytest
from flask import g

from tests.voting.polls.helpers import Tablet, build_session
from voting.polls.progress import progress_flusher


def stop_running_flusher() -> None:
    """Let a flusher thread a browser test started end now, not after its idle rounds: a later
    test binds the session to its own connection, which that thread would then share."""
    rounds = progress_flusher.idle_rounds
    progress_flusher.idle_rounds = 0
    progress_flusher._dirty.clear()
    try:
        for _ in range(200):  # a few flusher intervals at most
            if not progress_flusher._running:
                return
            time.sleep(progress_flusher.interval / 5)
    finally:
        progress_flusher.idle_rounds = rounds


@pytest.fixture(autouse=True)
def manual_progress():
    """Progress emits happen when a test flushes them, not on a timer."""
    progress_flusher.autostart = False
    progress_flusher._dirty.clear()
    yield progress_flusher
    progress_flusher.autostart = False
    stop_running_flusher()
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
