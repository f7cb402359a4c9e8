"""The meetings JSON API under /api/v1/meetings (same rules as the pages; errors are problem+json)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user

from cabinet.db import db
from cabinet.errors import Forbidden, NotFound
from cabinet.permissions import login_required_route, roles_required
from cabinet.schemas import load_or_raise
from cabinet.users.models import Role, User
from meetings import services
from meetings.models import AgendaItem, Meeting, MeetingState, Paper
from meetings.schemas import (
    AgendaItemInputSchema,
    AgendaReorderSchema,
    MeetingInputSchema,
    MeetingSchema,
    MeetingStateChangeSchema,
    PaperClassificationSchema,
    PaperUploadSchema,
)

bp = Blueprint("meetings_api", __name__, url_prefix="/api/v1/meetings")


def _user() -> User:
    return current_user._get_current_object()


def _meeting(meeting_id: int, *, manage: bool = False) -> Meeting:
    meeting = services.load_meeting(meeting_id)
    if meeting is None:
        raise NotFound()
    user = _user()
    if not (meeting.can_manage(user) if manage else meeting.can_read(user)):
        raise Forbidden()
    return meeting


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = next((i for i in meeting.items if i.id == item_id), None)
    if item is None:
        raise NotFound()
    return item


def _paper(meeting: Meeting, paper_id: int) -> Paper:
    paper = next((p for i in meeting.items for p in i.papers if p.id == paper_id), None)
    if paper is None:
        raise NotFound()
    return paper


def _state(meeting: Meeting):
    return jsonify(services.meeting_state(meeting, _user()))


def _dump(meeting: Meeting) -> dict:
    return MeetingSchema().dump(
        {**services.meeting_dict(meeting), "published_at": meeting.published_at}
    )


@bp.route("", methods=["GET"])
@login_required_route
def list_meetings():
    """Meetings the person may see.
    ---
    get:
      summary: List meetings (the secretariat sees all; others their own, no drafts)
      tags: [meetings]
      responses:
        200:
          content:
            application/json:
              schema:
                type: object
                properties:
                  meetings:
                    type: array
                    items: MeetingSchema
        401:
          $ref: '#/components/responses/Problem'
    """
    user = _user()
    if user.has_role(Role.SECRETARIAT):
        meetings = services.list_meetings()
    else:
        groups = services.my_meetings(user)
        meetings = groups["in_session"] + groups["upcoming"] + groups["past"]
    return jsonify(meetings=[_dump(m) for m in meetings])


@bp.route("", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def create_meeting():
    """Create a draft meeting.
    ---
    post:
      summary: Create a meeting (secretariat); all cabinet members are invited by default
      tags: [meetings]
      requestBody:
        required: true
        content:
          application/json:
            schema: MeetingInputSchema
      responses:
        201:
          content:
            application/json:
              schema: MeetingSchema
        403:
          $ref: '#/components/responses/Problem'
        422:
          $ref: '#/components/responses/Problem'
    """
    data = load_or_raise(MeetingInputSchema(), request.get_json(silent=True) or {})
    meeting = services.create_meeting(data, actor=_user())
    db.session.commit()
    return jsonify(_dump(meeting)), 201


@bp.route("/<int:meeting_id>", methods=["GET"])
@login_required_route
def get_meeting(meeting_id: int):
    """The meeting as the person sees it.
    ---
    get:
      summary: The meeting's snapshot for the signed-in person (agenda, visible papers, reads)
      tags: [meetings]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: MeetingStateSchema
        403:
          $ref: '#/components/responses/Problem'
        404:
          $ref: '#/components/responses/Problem'
    """
    return _state(_meeting(meeting_id))


@bp.route("/<int:meeting_id>", methods=["PATCH"])
@roles_required(Role.SECRETARIAT)
def patch_meeting(meeting_id: int):
    """Change a meeting.
    ---
    patch:
      summary: Change a meeting's details or invitations (secretariat)
      tags: [meetings]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: MeetingInputSchema
      responses:
        200:
          content:
            application/json:
              schema: MeetingSchema
        409:
          $ref: '#/components/responses/Problem'
        422:
          $ref: '#/components/responses/Problem'
    """
    meeting = _meeting(meeting_id, manage=True)
    data = load_or_raise(MeetingInputSchema(partial=True), request.get_json(silent=True) or {})
    services.update_meeting(meeting, data, actor=_user())
    db.session.commit()
    return jsonify(_dump(meeting))


@bp.route("/<int:meeting_id>/state", methods=["POST"])
@roles_required(Role.SECRETARIAT, Role.CHAIR)
def post_state(meeting_id: int):
    """Move the meeting to another state.
    ---
    post:
      summary: Publish, unpublish, open, close or archive (the chair may open and close)
      tags: [meetings]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: MeetingStateChangeSchema
      responses:
        200:
          description: The meeting, with warnings (papers-ahead rule) when publishing
          content:
            application/json:
              schema: MeetingPublishResultSchema
        409:
          $ref: '#/components/responses/Problem'
    """
    meeting = _meeting(meeting_id)
    user = _user()
    target = load_or_raise(MeetingStateChangeSchema(), request.get_json(silent=True) or {})["state"]
    chair_may = meeting.can_chair(user) and target in (
        MeetingState.IN_SESSION,
        MeetingState.CLOSED,
    )
    if not (meeting.can_manage(user) or chair_may):
        raise Forbidden()
    warnings: list = []
    if target == MeetingState.PUBLISHED:
        warnings = services.publish_meeting(meeting, actor=user)
    else:
        services.change_state(meeting, target, actor=user)
    db.session.commit()
    return jsonify(meeting=_dump(meeting), warnings=[str(w) for w in warnings])


@bp.route("/<int:meeting_id>/items", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def post_item(meeting_id: int):
    """Add an agenda item.
    ---
    post:
      summary: Append an item to the agenda (secretariat)
      tags: [meetings]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: AgendaItemInputSchema
      responses:
        201:
          content:
            application/json:
              schema: AgendaItemSchema
        409:
          $ref: '#/components/responses/Problem'
        422:
          $ref: '#/components/responses/Problem'
    """
    meeting = _meeting(meeting_id, manage=True)
    data = load_or_raise(AgendaItemInputSchema(), request.get_json(silent=True) or {})
    item = services.add_item(meeting, data, actor=_user())
    db.session.commit()
    return jsonify({**services.item_dict(item), "papers": []}), 201


@bp.route("/<int:meeting_id>/items/<int:item_id>", methods=["PATCH"])
@roles_required(Role.SECRETARIAT)
def patch_item(meeting_id: int, item_id: int):
    """Change an agenda item.
    ---
    patch:
      summary: Change an agenda item (secretariat)
      tags: [meetings]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
        - {in: path, name: item_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: AgendaItemInputSchema
      responses:
        200:
          content:
            application/json:
              schema: AgendaItemSchema
        422:
          $ref: '#/components/responses/Problem'
    """
    meeting = _meeting(meeting_id, manage=True)
    item = _item(meeting, item_id)
    data = load_or_raise(AgendaItemInputSchema(partial=True), request.get_json(silent=True) or {})
    services.update_item(item, data, actor=_user())
    db.session.commit()
    return jsonify(services.item_dict(item))


@bp.route("/<int:meeting_id>/items/<int:item_id>", methods=["DELETE"])
@roles_required(Role.SECRETARIAT)
def delete_item(meeting_id: int, item_id: int):
    """Remove an agenda item.
    ---
    delete:
      summary: Remove an agenda item and its papers (secretariat)
      tags: [meetings]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
        - {in: path, name: item_id, required: true, schema: {type: integer}}
      responses:
        204:
          description: Removed
        409:
          $ref: '#/components/responses/Problem'
    """
    meeting = _meeting(meeting_id, manage=True)
    services.remove_item(_item(meeting, item_id), actor=_user())
    db.session.commit()
    return "", 204


@bp.route("/<int:meeting_id>/order", methods=["PUT"])
@roles_required(Role.SECRETARIAT)
def put_order(meeting_id: int):
    """Reorder the agenda.
    ---
    put:
      summary: Put the agenda in a new order; the body must list every item id once
      tags: [meetings]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: AgendaReorderSchema
      responses:
        200:
          content:
            application/json:
              schema: AgendaReorderSchema
        409:
          description: The agenda changed meanwhile (the current order is in `order`)
          content:
            application/problem+json:
              schema: Problem
        422:
          $ref: '#/components/responses/Problem'
    """
    meeting = _meeting(meeting_id, manage=True)
    data = load_or_raise(AgendaReorderSchema(), request.get_json(silent=True) or {})
    order = services.reorder_items(meeting, data["order"], actor=_user())
    db.session.commit()
    return jsonify(order=order)


@bp.route("/<int:meeting_id>/items/<int:item_id>/papers", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def post_paper(meeting_id: int, item_id: int):
    """Upload a paper.
    ---
    post:
      summary: Upload a paper to an item (multipart; PDF, DOCX, XLSX or PPTX)
      tags: [meetings]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
        - {in: path, name: item_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
                title: {type: string}
                classification: {type: string, enum: [normal, restricted, secret]}
                reader_ids: {type: array, items: {type: integer}}
      responses:
        201:
          content:
            application/json:
              schema: MeetingPaperSchema
        422:
          description: The upload was refused (too large, wrong type, broken or encrypted PDF, bad name)
          content:
            application/problem+json:
              schema: Problem
    """
    meeting = _meeting(meeting_id, manage=True)
    item = _item(meeting, item_id)
    data = load_or_raise(PaperUploadSchema(), request.form)
    paper = services.add_paper(item, upload=request.files.get("file"), actor=_user(), **data)
    db.session.commit()
    return jsonify(services.paper_dict(paper, _user(), None)), 201


@bp.route("/<int:meeting_id>/papers/<int:paper_id>/versions", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def post_version(meeting_id: int, paper_id: int):
    """Upload a new version of a paper.
    ---
    post:
      summary: Upload a new version (it becomes current; old ones stay listed)
      tags: [meetings]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
        - {in: path, name: paper_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
      responses:
        201:
          content:
            application/json:
              schema: MeetingPaperSchema
        410:
          $ref: '#/components/responses/Problem'
        422:
          $ref: '#/components/responses/Problem'
    """
    paper = _paper(_meeting(meeting_id, manage=True), paper_id)
    services.add_version(paper, request.files.get("file"), actor=_user())
    db.session.commit()
    return jsonify(services.paper_dict(paper, _user(), None)), 201


@bp.route("/<int:meeting_id>/papers/<int:paper_id>/classification", methods=["PUT"])
@roles_required(Role.SECRETARIAT)
def put_classification(meeting_id: int, paper_id: int):
    """Set a paper's classification and readers.
    ---
    put:
      summary: Set classification (normal, restricted, secret) and the readers allowed
      tags: [meetings]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
        - {in: path, name: paper_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: PaperClassificationSchema
      responses:
        200:
          content:
            application/json:
              schema: MeetingPaperSchema
        422:
          $ref: '#/components/responses/Problem'
    """
    paper = _paper(_meeting(meeting_id, manage=True), paper_id)
    data = load_or_raise(PaperClassificationSchema(), request.get_json(silent=True) or {})
    services.set_classification(paper, data["classification"], data["reader_ids"], actor=_user())
    db.session.commit()
    return jsonify(services.paper_dict(paper, _user(), None))


@bp.route("/<int:meeting_id>/papers/<int:paper_id>/withdraw", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def post_withdraw(meeting_id: int, paper_id: int):
    """Withdraw a paper.
    ---
    post:
      summary: Withdraw a paper; it stops being served at once, open tablets drop it
      tags: [meetings]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
        - {in: path, name: paper_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: MeetingPaperSchema
    """
    paper = _paper(_meeting(meeting_id, manage=True), paper_id)
    reason = str((request.get_json(silent=True) or {}).get("reason", ""))[:500]
    services.withdraw_paper(paper, actor=_user(), reason=reason)
    db.session.commit()
    return jsonify(services.paper_dict(paper, _user(), None))


@bp.route("/<int:meeting_id>/papers/<int:paper_id>", methods=["GET"])
@login_required_route
def get_paper(meeting_id: int, paper_id: int):
    """One paper as the person sees it.
    ---
    get:
      summary: A paper's versions, classification, links and "updated since you last read"
      tags: [meetings]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
        - {in: path, name: paper_id, required: true, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: MeetingPaperSchema
        403:
          $ref: '#/components/responses/Problem'
    """
    paper = _paper(_meeting(meeting_id), paper_id)
    user = _user()
    if not paper.can_see(user):
        raise Forbidden()
    reads = services.last_reads([paper], user)
    return jsonify(services.paper_dict(paper, user, reads.get(paper.id)))
