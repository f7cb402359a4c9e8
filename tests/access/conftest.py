"""Fixtures for the access tests: a small cabinet in session, tablets joined to it."""

from __future__ import annotations

import pytest
from flask import g

from tests.meetings.live.conftest import manual_progress  # noqa: F401  (autouse fixture)
from tests.voting.polls.helpers import Tablet, build_session


@pytest.fixture
def session(db, make_cabinet):
    """An opened session of a 5-member cabinet (item 3 restricted), nobody checked in yet."""
    return build_session(make_cabinet(5, deputies=1))


@pytest.fixture
def join(socket_client):
    """`join(user, meeting)`: a socket client that followed the meeting (clean inbox)."""

    def make(user, meeting):
        g.pop("_login_user", None)
        sio = Tablet(socket_client(user))
        ack = sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
        assert ack["ok"], ack
        sio.get_received()
        return sio

    return make


from tests.voting.ballots.conftest import make_ballot, smtp_server  # noqa: E402, F401


@pytest.fixture
def request_context(app):
    """Services raise lazily translated messages; reading them needs a request context."""
    with app.test_request_context():
        yield
