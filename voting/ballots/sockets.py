"""Socket events of ballots: the secretariat follows a ballot's board live."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_socketio import join_room

from cabinet.db import get_or_404
from cabinet.errors import Forbidden
from cabinet.realtime import socket_event
from voting.ballots import notify
from voting.ballots.models import Ballot
from voting.ballots.schemas import BallotJoinSchema
from voting.ballots.services import board_room


@socket_event("ballot.join", schema=BallotJoinSchema)
def join_ballot(data: dict[str, Any]) -> dict[str, Any]:
    """Join `ballot:<id>` (secretariat only) and return the board, so a reconnect resyncs."""
    ballot = get_or_404(Ballot, data["ballot_id"])
    if not ballot.can_manage(current_user):
        raise Forbidden()
    join_room(board_room(ballot.id))
    return {"board": notify.board(ballot)}
