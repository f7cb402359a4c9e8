"""The votes JSON API under /api/v1/polls: read-only (votes are cast over the socket).

Secret votes never show who chose what: results carry counts and the entitled list only,
and a person's own cast carries no choice. Operations are documented in `openapi.py`.
"""

from __future__ import annotations

import sys

from flask import Blueprint, jsonify, request

from cabinet.errors import ValidationFailed
from cabinet.permissions import login_required_route
from cabinet.users import current_person
from voting.openapi import document
from voting.polls.access import can_read_poll, load_poll, load_readable_meeting
from voting.polls.announce import poll_payload
from voting.polls.casting import own_cast
from voting.polls.counting import polls_of
from voting.polls.openapi import OPERATIONS

bp = Blueprint("polls_api", __name__, url_prefix="/api/v1/polls")


@bp.route("", methods=["GET"])
@login_required_route
def list_polls():
    """The votes of a meeting that the signed-in person may read."""
    meeting_id = request.args.get("meeting_id", type=int)
    if meeting_id is None:
        raise ValidationFailed(fields={"meeting_id": ["required"]})
    meeting = load_readable_meeting(meeting_id)
    user = current_person()
    polls = [poll_payload(p) for p in polls_of(meeting) if can_read_poll(p, user)]
    return jsonify({"polls": polls})


@bp.route("/<int:poll_id>", methods=["GET"])
@login_required_route
def get_poll(poll_id: int):
    """One vote, its result once closed, and the caller's own cast."""
    poll = load_poll(poll_id, need="read")
    return jsonify({"poll": poll_payload(poll), "my_cast": own_cast(poll, current_person())})


document(sys.modules[__name__], OPERATIONS)
