"""The votes JSON API under /api/v1/polls: read-only (votes are cast over the socket).

Secret votes never show who chose what: results carry counts and the entitled list only,
and a person's own cast carries no choice.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user

from cabinet.db import get_or_404
from cabinet.errors import Forbidden, ValidationFailed
from cabinet.permissions import login_required_route
from meetings.models import Meeting
from voting.polls import services
from voting.polls.models import Poll

bp = Blueprint("polls_api", __name__, url_prefix="/api/v1/polls")


def _readable(poll: Poll) -> bool:
    user = current_user._get_current_object()
    if not poll.meeting.can_read(user):
        return False
    return poll.item is None or poll.item.can_read(user)


@bp.route("", methods=["GET"])
@login_required_route
def list_polls():
    """The votes of a meeting.
    ---
    get:
      summary: List the votes of a meeting (in the order opened)
      tags: [votes]
      parameters:
        - {in: query, name: meeting_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema:
                type: object
                properties:
                  polls: {type: array, items: PollSchema}
    """
    meeting_id = request.args.get("meeting_id", type=int)
    if meeting_id is None:
        raise ValidationFailed(fields={"meeting_id": ["required"]})
    meeting = get_or_404(Meeting, meeting_id)
    if not meeting.can_read(current_user._get_current_object()):
        raise Forbidden()
    polls = [services.poll_payload(p) for p in services.polls_of(meeting) if _readable(p)]
    return jsonify({"polls": polls})


@bp.route("/<int:poll_id>", methods=["GET"])
@login_required_route
def get_poll(poll_id: int):
    """One vote, its result once closed, and the caller's own cast.
    ---
    get:
      summary: A vote with its result and the caller's own receipt
      tags: [votes]
      parameters:
        - {in: path, name: poll_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema:
                type: object
                properties:
                  poll: PollSchema
                  my_cast: ReceiptSchema
        403: {description: Not a reader of the meeting or item}
        404: {description: No such vote}
    """
    poll = get_or_404(Poll, poll_id)
    if not _readable(poll):
        raise Forbidden()
    user = current_user._get_current_object()
    return jsonify({"poll": services.poll_payload(poll), "my_cast": services.own_cast(poll, user)})
