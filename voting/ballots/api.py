"""JSON API of opinion ballots under /api/v1/ballots (session auth + X-CSRFToken)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user
from sqlalchemy import select

from cabinet.db import db, get_or_404, utcnow
from cabinet.errors import Forbidden
from cabinet.permissions import login_required_route, roles_required
from cabinet.schemas import load_or_raise
from cabinet.users.models import Role, User
from voting.ballots import notify, services
from voting.ballots.models import AnswerChoice, Ballot, ConclusionOutcome
from voting.ballots.schemas import (
    BallotInputSchema,
    BallotSchema,
    BoardSchema,
    ConclusionInputSchema,
    RemindInputSchema,
    ResponseInputSchema,
    ResponseSchema,
    ReturnInputSchema,
)
from voting.ballots.summary import ballot_record

bp = Blueprint("ballots_api", __name__, url_prefix="/api/v1/ballots")


def _user():
    return current_user._get_current_object()


def _readable(ballot_id: int) -> Ballot:
    ballot = get_or_404(Ballot, ballot_id)
    if not ballot.can_read(_user()):
        raise Forbidden()
    return ballot


def _managed(ballot_id: int) -> Ballot:
    ballot = get_or_404(Ballot, ballot_id)
    if not ballot.can_manage(_user()):
        raise Forbidden()
    return ballot


@bp.get("")
@login_required_route
def list_ballots():
    """Ballots the user may read.
    ---
    get:
      tags: [ballots]
      summary: List the ballots visible to the signed-in user
      responses:
        200:
          content:
            application/json:
              schema:
                type: array
                items: BallotSchema
    """
    user = _user()
    ballots = [
        b for b in db.session.scalars(select(Ballot).order_by(Ballot.deadline)) if b.can_read(user)
    ]
    return jsonify(BallotSchema(many=True).dump(ballots))


@bp.post("")
@roles_required(Role.SECRETARIAT)
def create():
    """Create a draft ballot.
    ---
    post:
      tags: [ballots]
      summary: Create a draft ballot (all cabinet members vote unless voter_ids is given)
      requestBody:
        content:
          application/json:
            schema: BallotInputSchema
      responses:
        201:
          content:
            application/json:
              schema: BallotSchema
        422:
          content:
            application/problem+json:
              schema: ProblemSchema
    """
    data = load_or_raise(BallotInputSchema(), request.get_json(silent=True) or {})
    ballot = services.create_ballot(by=_user(), **data)
    db.session.commit()
    return jsonify(BallotSchema().dump(ballot)), 201


@bp.get("/<int:ballot_id>")
@login_required_route
def detail(ballot_id: int):
    """One ballot.
    ---
    get:
      tags: [ballots]
      summary: Read a ballot (recipients, the secretariat and approvers)
      parameters:
        - {in: path, name: ballot_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: BallotSchema
        403:
          content:
            application/problem+json:
              schema: ProblemSchema
    """
    return jsonify(BallotSchema().dump(_readable(ballot_id)))


@bp.put("/<int:ballot_id>")
@roles_required(Role.SECRETARIAT)
def update(ballot_id: int):
    """Change a draft ballot.
    ---
    put:
      tags: [ballots]
      summary: Change a draft ballot (refused with 409 once it left the draft state)
      parameters:
        - {in: path, name: ballot_id, required: true, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: BallotInputSchema
      responses:
        200:
          content:
            application/json:
              schema: BallotSchema
        409:
          content:
            application/problem+json:
              schema: ProblemSchema
    """
    ballot = _managed(ballot_id)
    data = load_or_raise(BallotInputSchema(), request.get_json(silent=True) or {})
    data["deadline"] = data["deadline"] or ballot.deadline
    services.update_ballot(ballot, by=_user(), **data)
    db.session.commit()
    return jsonify(BallotSchema().dump(ballot))


@bp.post("/<int:ballot_id>/submit")
@roles_required(Role.SECRETARIAT)
def submit(ballot_id: int):
    """Hand a draft to the chair.
    ---
    post:
      tags: [ballots]
      summary: draft → awaiting_approval
      parameters:
        - {in: path, name: ballot_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: BallotSchema
        409:
          content:
            application/problem+json:
              schema: ProblemSchema
    """
    ballot = _managed(ballot_id)
    services.submit_for_approval(ballot, by=_user())
    db.session.commit()
    return jsonify(BallotSchema().dump(ballot))


@bp.post("/<int:ballot_id>/approve")
@login_required_route
def approve(ballot_id: int):
    """Approve and send.
    ---
    post:
      tags: [ballots]
      summary: awaiting_approval → sent (the chair or a granted deputy prime minister)
      parameters:
        - {in: path, name: ballot_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: BallotSchema
        403:
          content:
            application/problem+json:
              schema: ProblemSchema
    """
    ballot = get_or_404(Ballot, ballot_id)
    services.approve_ballot(ballot, by=_user())
    db.session.commit()
    return jsonify(BallotSchema().dump(ballot))


@bp.post("/<int:ballot_id>/return")
@login_required_route
def send_back(ballot_id: int):
    """Return to the secretariat.
    ---
    post:
      tags: [ballots]
      summary: awaiting_approval → draft with the approver's note
      parameters:
        - {in: path, name: ballot_id, required: true, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: ReturnInputSchema
      responses:
        200:
          content:
            application/json:
              schema: BallotSchema
    """
    ballot = get_or_404(Ballot, ballot_id)
    data = load_or_raise(ReturnInputSchema(), request.get_json(silent=True) or {})
    services.return_to_draft(ballot, data["note"], by=_user())
    db.session.commit()
    return jsonify(BallotSchema().dump(ballot))


@bp.get("/<int:ballot_id>/response")
@login_required_route
def my_response(ballot_id: int):
    """The signed-in member's reply.
    ---
    get:
      tags: [ballots]
      summary: The signed-in member's reply (404 before anything was saved)
      parameters:
        - {in: path, name: ballot_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: ResponseSchema
    """
    ballot = _readable(ballot_id)
    response = services.response_for(ballot, _user())
    if response is None:
        return jsonify({"status": None, "answers": [], "revisions": 0})
    return jsonify(ResponseSchema().dump(response))


@bp.put("/<int:ballot_id>/response")
@login_required_route
def answer(ballot_id: int):
    """Save or submit the member's reply.
    ---
    put:
      tags: [ballots]
      summary: Save a draft or submit; revisable until the deadline (409 after it)
      parameters:
        - {in: path, name: ballot_id, required: true, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: ResponseInputSchema
      responses:
        200:
          content:
            application/json:
              schema: ResponseSchema
        403:
          content:
            application/problem+json:
              schema: ProblemSchema
        409:
          content:
            application/problem+json:
              schema: ProblemSchema
        422:
          content:
            application/problem+json:
              schema: ProblemSchema
    """
    ballot = get_or_404(Ballot, ballot_id)
    user = _user()
    services.check_can_answer(ballot, user, utcnow())
    data = load_or_raise(ResponseInputSchema(), request.get_json(silent=True) or {})
    answers = [
        services.AnswerInput(
            question_id=a["question_id"],
            choice=AnswerChoice(a["choice"]) if a["choice"] else None,
            comment=a["comment"],
        )
        for a in data["answers"]
    ]
    response = services.save_response(ballot, user, answers, submit=data["submit"])
    db.session.commit()
    return jsonify(ResponseSchema().dump(response))


@bp.get("/<int:ballot_id>/board")
@roles_required(Role.SECRETARIAT)
def board(ballot_id: int):
    """The secretariat's board.
    ---
    get:
      tags: [ballots]
      summary: Who has answered, who has not, who is overdue
      parameters:
        - {in: path, name: ballot_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: BoardSchema
    """
    return jsonify(BoardSchema().dump(notify.board(_managed(ballot_id))))


@bp.post("/<int:ballot_id>/reminders")
@roles_required(Role.SECRETARIAT)
def remind(ballot_id: int):
    """Remind one member.
    ---
    post:
      tags: [ballots]
      summary: Send a reminder now (audited; 429 within an hour of the last one)
      parameters:
        - {in: path, name: ballot_id, required: true, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: RemindInputSchema
      responses:
        202:
          content:
            application/json:
              schema: BoardSchema
        429:
          content:
            application/problem+json:
              schema: ProblemSchema
    """
    ballot = _managed(ballot_id)
    data = load_or_raise(RemindInputSchema(), request.get_json(silent=True) or {})
    notify.remind_member(ballot, get_or_404(User, data["user_id"]), by=_user())
    db.session.commit()
    return jsonify(BoardSchema().dump(notify.board(ballot))), 202


@bp.post("/<int:ballot_id>/close")
@roles_required(Role.SECRETARIAT)
def close(ballot_id: int):
    """Close early.
    ---
    post:
      tags: [ballots]
      summary: sent → closed before the deadline, once every member has answered
      parameters:
        - {in: path, name: ballot_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: BallotSchema
        409:
          content:
            application/problem+json:
              schema: ProblemSchema
    """
    ballot = _managed(ballot_id)
    services.close_ballot(ballot, by=_user())
    db.session.commit()
    return jsonify(BallotSchema().dump(ballot))


@bp.post("/<int:ballot_id>/conclusion")
@roles_required(Role.CHAIR)
def conclude(ballot_id: int):
    """Record the chair's conclusion.
    ---
    post:
      tags: [ballots]
      summary: closed → concluded; returns the decision record
      parameters:
        - {in: path, name: ballot_id, required: true, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: ConclusionInputSchema
      responses:
        200:
          content:
            application/json:
              schema: {type: object}
    """
    ballot = get_or_404(Ballot, ballot_id)
    data = load_or_raise(ConclusionInputSchema(), request.get_json(silent=True) or {})
    services.conclude_ballot(
        ballot, text=data["text"], outcome=ConclusionOutcome(data["outcome"]), by=_user()
    )
    db.session.commit()
    return jsonify(ballot_record(ballot))


@bp.get("/<int:ballot_id>/record")
@login_required_route
def record_json(ballot_id: int):
    """The summary/decision record.
    ---
    get:
      tags: [ballots]
      summary: Counts, answers, non-replies, outcome and conclusion (secretariat and chair)
      parameters:
        - {in: path, name: ballot_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: {type: object}
    """
    ballot = get_or_404(Ballot, ballot_id)
    user = _user()
    if not (ballot.can_manage(user) or ballot.can_conclude(user)):
        raise Forbidden()
    return jsonify(ballot_record(ballot))
