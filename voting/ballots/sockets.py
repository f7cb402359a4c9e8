"""Socket events of ballots: the secretariat follows a ballot's board live."""

from __future__ import annotations

from typing import Any

from flask_socketio import join_room

from cabinet.realtime import socket_event
from voting.ballots.access import load_ballot
from voting.ballots.board import board, board_room
from voting.ballots.schemas import BallotJoinSchema


def register_sockets() -> None:
    """Declare the ballot events on the Socket.IO server."""

    @socket_event("ballot.join", schema=BallotJoinSchema)
    def join_ballot(data: dict[str, Any]) -> dict[str, Any]:
        """Join `ballot:<id>` (secretariat only) and return the board, so a reconnect resyncs."""
        ballot = load_ballot(data["ballot_id"], need="manage")
        join_room(board_room(ballot.id))
        return {"board": board(ballot)}
