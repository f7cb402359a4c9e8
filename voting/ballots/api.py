"""JSON API of opinion ballots under /api/v1/ballots (session auth + X-CSRFToken).

Each view loads and checks access (`access.load_ballot`), validates with the schema the HTML
forms use too, calls one service and dumps the output schema; the route wrapper commits.
Operations are documented in `openapi.py`.
"""

from __future__ import annotations

import sys

from flask import Blueprint, jsonify
from sqlalchemy import select

from cabinet.db import db, get_or_404
from cabinet.permissions import login_required_route, roles_required
from cabinet.schemas import json_body, load_or_raise
from cabinet.users import current_person
from cabinet.users.models import Role, User
from voting.ballots import services
from voting.ballots.access import load_ballot
from voting.ballots.answers import AnswerInput, response_for, save_response
from voting.ballots.board import board as board_of
from voting.ballots.models import Ballot, ConclusionOutcome
from voting.ballots.notices import remind_member
from voting.ballots.openapi import OPERATIONS
from voting.ballots.schemas import (
    BallotInputSchema,
    BallotSchema,
    ConclusionInputSchema,
    RemindInputSchema,
    ResponseInputSchema,
    ResponseSchema,
    ReturnInputSchema,
)
from voting.ballots.summary import ballot_record
from voting.openapi import document

bp = Blueprint("ballots_api", __name__, url_prefix="/api/v1/ballots")


def _json() -> dict:
    return json_body()


@bp.get("")
@login_required_route
def list_ballots():
    """Ballots the user may read."""
    user = current_person()
    ballots = [
        b for b in db.session.scalars(select(Ballot).order_by(Ballot.deadline)) if b.can_read(user)
    ]
    return jsonify(BallotSchema(many=True).dump(ballots))


@bp.post("")
@roles_required(Role.SECRETARIAT)
def create():
    """Create a draft ballot."""
    data = load_or_raise(BallotInputSchema(), _json())
    ballot = services.create_ballot(by=current_person(), **data)
    return jsonify(BallotSchema().dump(ballot)), 201


@bp.get("/<int:ballot_id>")
@login_required_route
def detail(ballot_id: int):
    """One ballot."""
    return jsonify(BallotSchema().dump(load_ballot(ballot_id, need="read")))


@bp.put("/<int:ballot_id>")
@roles_required(Role.SECRETARIAT)
def update(ballot_id: int):
    """Change a draft ballot."""
    ballot = load_ballot(ballot_id, need="manage")
    data = load_or_raise(BallotInputSchema(), _json())
    data["deadline"] = data["deadline"] or ballot.deadline
    services.update_ballot(ballot, by=current_person(), **data)
    return jsonify(BallotSchema().dump(ballot))


@bp.post("/<int:ballot_id>/submit")
@roles_required(Role.SECRETARIAT)
def submit(ballot_id: int):
    """Hand a draft to the chair."""
    ballot = load_ballot(ballot_id, need="manage")
    services.submit_for_approval(ballot, by=current_person())
    return jsonify(BallotSchema().dump(ballot))


@bp.post("/<int:ballot_id>/approve")
@login_required_route
def approve(ballot_id: int):
    """Approve and send."""
    ballot = load_ballot(ballot_id, need="approve")
    services.approve_ballot(ballot, by=current_person())
    return jsonify(BallotSchema().dump(ballot))


@bp.post("/<int:ballot_id>/return")
@login_required_route
def send_back(ballot_id: int):
    """Return to the secretariat."""
    ballot = load_ballot(ballot_id, need="approve")
    data = load_or_raise(ReturnInputSchema(), _json())
    services.return_to_draft(ballot, data["note"], by=current_person())
    return jsonify(BallotSchema().dump(ballot))


@bp.get("/<int:ballot_id>/response")
@login_required_route
def my_response(ballot_id: int):
    """The signed-in member's reply."""
    ballot = load_ballot(ballot_id, need="read")
    response = response_for(ballot, current_person())
    if response is None:
        return jsonify({"status": None, "answers": [], "revisions": 0})
    return jsonify(ResponseSchema().dump(response))


@bp.put("/<int:ballot_id>/response")
@login_required_route
def answer(ballot_id: int):
    """Save or submit the member's reply."""
    ballot = load_ballot(ballot_id, need="answer")
    data = load_or_raise(ResponseInputSchema(), _json())
    answers = [AnswerInput(**a) for a in data["answers"]]
    response = save_response(ballot, current_person(), answers, submit=data["submit"])
    return jsonify(ResponseSchema().dump(response))


@bp.get("/<int:ballot_id>/board")
@roles_required(Role.SECRETARIAT)
def board(ballot_id: int):
    """The secretariat's board."""
    return jsonify(board_of(load_ballot(ballot_id, need="manage")))


@bp.post("/<int:ballot_id>/reminders")
@roles_required(Role.SECRETARIAT)
def remind(ballot_id: int):
    """Remind one member."""
    ballot = load_ballot(ballot_id, need="manage")
    data = load_or_raise(RemindInputSchema(), _json())
    remind_member(ballot, get_or_404(User, data["user_id"]), by=current_person())
    return jsonify(board_of(ballot)), 202


@bp.post("/<int:ballot_id>/close")
@roles_required(Role.SECRETARIAT)
def close(ballot_id: int):
    """Close early."""
    ballot = load_ballot(ballot_id, need="manage")
    services.close_ballot(ballot, by=current_person())
    return jsonify(BallotSchema().dump(ballot))


@bp.post("/<int:ballot_id>/conclusion")
@roles_required(Role.CHAIR)
def conclude(ballot_id: int):
    """Record the chair's conclusion."""
    ballot = load_ballot(ballot_id, need="conclude")
    data = load_or_raise(ConclusionInputSchema(), _json())
    services.conclude_ballot(
        ballot, text=data["text"], outcome=ConclusionOutcome(data["outcome"]), by=current_person()
    )
    return jsonify(ballot_record(ballot))


@bp.get("/<int:ballot_id>/record")
@login_required_route
def record_json(ballot_id: int):
    """The summary/decision record."""
    return jsonify(ballot_record(load_ballot(ballot_id, need="summary")))


document(sys.modules[__name__], OPERATIONS)
