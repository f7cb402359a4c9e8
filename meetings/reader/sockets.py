"""Socket events of the reader: showing a paper to the room (follow the presenter)."""

from __future__ import annotations

from typing import Any

from cabinet.realtime import socket_event
from cabinet.users import current_person
from meetings.loaders import load_meeting, load_paper
from meetings.reader import presenting
from meetings.reader.schemas import PresentSchema, StopPresentingSchema


def register_sockets() -> None:
    """Declare the presenter's events on the Socket.IO server."""

    @socket_event("presenter.show", schema=PresentSchema)
    def show(data: dict[str, Any]) -> dict[str, Any]:
        """Show a paper at a page; the tablets that follow turn with it."""
        meeting = load_meeting(data["meeting_id"], need="read")
        paper = load_paper(data["paper_id"], need="read", meeting=meeting, conceal=True)
        shown = presenting.show_paper(meeting, paper, data["page"], current_person())
        return {"presenting": presenting.presented_payload(shown)}

    @socket_event("presenter.stop", schema=StopPresentingSchema)
    def stop(data: dict[str, Any]) -> dict[str, Any]:
        """Stop showing a paper."""
        meeting = load_meeting(data["meeting_id"], need="read")
        presenting.stop_presenting(meeting, current_person())
        return {}
