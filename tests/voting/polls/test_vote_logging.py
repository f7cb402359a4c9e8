"""Nothing with a choice or a sealed ballot is ever logged, not even when a cast fails."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.exc import OperationalError

from tests.voting.polls.helpers import check_in
from voting.polls import casting
from voting.polls.crypto import seal_ballot


def _open(chair, session, kind):
    ack = chair.emit(
        "vote.open",
        {
            "meeting_id": session.meeting.id,
            "item_id": session.items[0].id,
            "question": "Thông qua?",
            "kind": kind,
        },
        callback=True,
    )
    assert ack["ok"], ack
    return ack["poll"]


def test_a_failed_cast_logs_neither_choice_nor_ballot(session, join, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    check_in(session.meeting, session.cab.members)
    chair, _ = join(session.cab.chair, session.meeting)
    poll = _open(chair, session, "secret")
    sealed, token = seal_ballot(poll["public_key"], "disapprove")

    def unreachable(*args, **kwargs):
        raise OperationalError(
            "INSERT INTO poll_secret_ciphertexts (id, poll_id, ciphertext) VALUES (?, ?, ?)",
            {"poll_id": poll["id"], "ciphertext": sealed, "choice": "disapprove"},
            Exception("server closed the connection unexpectedly"),
        )

    monkeypatch.setattr(casting, "_recheck_open", unreachable)
    ack = chair.emit(
        "vote.cast",
        {"poll_id": poll["id"], "ciphertext": sealed, "client_id": uuid.uuid4().hex},
        callback=True,
    )
    assert ack["ok"] is False and ack["error"]["code"] == "unavailable"
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures, "the failure is logged"
    text = caplog.text
    for record in caplog.records:
        text += record.getMessage() + logging.Formatter().format(record)
    assert sealed not in text and sealed[:40] not in text
    assert "disapprove" not in text and token not in text
