"""Logs an operator can use: one timestamped line per request and per socket event, with its
outcome and duration, never the query string, the event's arguments, a choice or a token."""

from __future__ import annotations

import json
import logging

from cabinet.logs import JsonLines, TextLines


def _lines(caplog):
    return [r for r in caplog.records if r.name == "cabinet.access"]


def test_a_request_line_has_method_path_status_and_duration_but_no_query(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="cabinet.access"):
        client.get("/healthz?token=very-secret-token")
    (line,) = _lines(caplog)
    assert (line.method, line.path, line.status) == ("GET", "/healthz", 200)
    assert line.ms >= 0 and "very-secret" not in line.getMessage()
    text = JsonLines().format(line)
    assert json.loads(text)["path"] == "/healthz" and "very-secret" not in text
    assert TextLines("%(asctime)s %(message)s").format(line)[:4].isdigit()  # a timestamp first


def test_a_socket_event_line_has_its_outcome_and_never_its_arguments(
    socket_client, db, make_user, caplog
):
    sio = socket_client(make_user())
    with caplog.at_level(logging.INFO, logger="cabinet.access"):
        sio.emit(
            "vote.cast",
            {
                "poll_id": 10**6,
                "choice": "approve",
                "client_id": "5b0c1a52-8d0e-4f43-9a55-6f4a1e0c9d11",
            },
            callback=True,
        )
        sio.emit("meeting.join", {"meeting_id": 10**6}, callback=True)
    lines = _lines(caplog)
    assert [(r.event, r.outcome) for r in lines] == [
        ("vote.cast", "not_found"),
        ("meeting.join", "not_found"),
    ]
    everything = "\n".join(JsonLines().format(r) for r in caplog.records)
    assert "approve" not in everything and "5b0c1a52" not in everything
