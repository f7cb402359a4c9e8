"""Ballot fixtures: a real SMTP server (aiosmtpd) and a ready-made ballot.

`smtp_server` is reusable by any test (the end-to-end story too): it starts aiosmtpd on a free
local port, points the running app's settings at it, and collects every message received.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from cabinet.db import db as database
from cabinet.db import utcnow
from cabinet.mail import deliver_outbox
from cabinet.tick import run_tick
from tests.conftest import free_port
from voting.ballots import services


@dataclass
class Received:
    """One message as the SMTP server received it."""

    envelope_to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


@dataclass
class SmtpSink:
    """The messages received by the test SMTP server, in arrival order."""

    host: str
    port: int
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(Received(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        """Messages whose envelope includes `address`."""
        with self.lock:
            return [m for m in self.messages if address in m.envelope_to]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


@pytest.fixture
def smtp_server(app, monkeypatch) -> Iterator[SmtpSink]:
    """aiosmtpd on a free port; the app's SMTP settings point at it for the test."""
    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    config = app.extensions["ecabinet.settings"]
    monkeypatch.setitem(
        app.extensions,
        "ecabinet.settings",
        dataclasses.replace(config, smtp_host=sink.host, smtp_port=sink.port, smtp_starttls=False),
    )
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def set_settings(app, monkeypatch) -> Callable[..., Any]:
    """`set_settings(holidays=..., nonreply_policy=...)`: change the running app's settings."""

    def change(**values: Any) -> Any:
        new = dataclasses.replace(app.extensions["ecabinet.settings"], **values)
        monkeypatch.setitem(app.extensions, "ecabinet.settings", new)
        return new

    return change


@pytest.fixture
def make_ballot(request, make_cabinet) -> Callable[..., Any]:
    """`make_ballot(n=5, questions=2, send=True)`: a cabinet and a ballot, sent unless told.

    In the test's rolled-back transaction (`db`), or really committed when the test asked for
    `committed_db` (a live server's threads read it on connections of their own)."""
    if "committed_db" not in request.fixturenames:
        request.getfixturevalue("db")

    def make(n: int = 5, questions: int = 2, send: bool = True, deadline=None, **kw: Any):
        cabinet = make_cabinet(n=n, deputies=0)
        ballot = services.create_ballot(
            title="Dự thảo Nghị định về quản lý đầu tư công",
            background="Bộ Kế hoạch và Đầu tư trình dự thảo Nghị định.",
            questions=[
                f"Câu hỏi số {i}: anh/chị có đồng ý với phương án {i}?"
                for i in range(1, questions + 1)
            ],
            by=cabinet.secretariat,
            deadline=deadline or utcnow() + timedelta(days=5),
            **kw,
        )
        if send:
            services.submit_for_approval(ballot, by=cabinet.secretariat)
            services.approve_ballot(ballot, by=cabinet.chair)
        # Committed (a savepoint under the `db` fixture): a refused request rolls its own
        # session back, which must not take the test's data with it.
        database.session.commit()
        return cabinet, ballot

    return make


@pytest.fixture
def tick(app) -> Callable[..., dict[str, str]]:
    """`tick(now=None)`: one run of the scheduler, as `flask cabinet tick` runs it; returns each
    job's report by job name ("ballots.deadlines": "closed 1 ballot(s)", ...).

    Mail delivery becomes a job of the core's tick (order 90, after every job); until that is
    merged, the outbox is delivered here after the jobs, which is what that job does (once it is
    registered this delivers nothing more).
    """

    def run(now=None) -> dict[str, str]:
        reports = run_tick(now)
        deliver_outbox()
        return reports

    return run


@pytest.fixture(autouse=True)
def request_context(app) -> Iterator[None]:
    """Services raise lazily translated messages; reading them needs a locale (request) context."""
    with app.test_request_context():
        yield
