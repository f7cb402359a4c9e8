"""The meetings JSON API under /api/v1/meetings (same rules as the pages; errors are problem+json).

Each view: load and check access (`meetings.loaders`), validate with the input schema, call one
service, dump with the output schema; the route wrapper commits. The OpenAPI operations are in
`openapi.yaml` beside this module.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, jsonify, request

from cabinet.permissions import login_required_route, roles_required
from cabinet.schemas import json_body, load_or_raise
from cabinet.users import current_person
from cabinet.users.models import Role
from meetings import services
from meetings.loaders import check_meeting, load_item, load_meeting, load_paper
from meetings.openapi import document_views
from meetings.schemas import (
    AgendaItemInputSchema,
    AgendaItemSchema,
    AgendaReorderSchema,
    MeetingInputSchema,
    MeetingListSchema,
    MeetingPaperSchema,
    MeetingPublishResultSchema,
    MeetingSchema,
    MeetingStateChangeSchema,
    PaperClassificationSchema,
    PaperUploadSchema,
    viewing,
)

bp = Blueprint("meetings_api", __name__, url_prefix="/api/v1/meetings")


def _json() -> dict:
    return json_body()


@bp.route("", methods=["GET"])
@login_required_route
def list_meetings():
    """Meetings the person may see."""
    user = current_person()
    if user.has_role(Role.SECRETARIAT):
        meetings = services.list_meetings()
    else:
        groups = services.my_meetings(user)
        meetings = groups["in_session"] + groups["upcoming"] + groups["past"]
    return jsonify(MeetingListSchema().dump({"meetings": meetings}))


@bp.route("", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def create_meeting():
    """Create a draft meeting."""
    data = load_or_raise(MeetingInputSchema(), _json())
    meeting = services.create_meeting(data, actor=current_person())
    return jsonify(MeetingSchema().dump(meeting)), 201


@bp.route("/<int:meeting_id>", methods=["GET"])
@login_required_route
def get_meeting(meeting_id: int):
    """The meeting as the person sees it."""
    meeting = load_meeting(meeting_id, need="read", agenda=True)
    return jsonify(services.meeting_state(meeting, current_person()))


@bp.route("/<int:meeting_id>", methods=["PATCH"])
@roles_required(Role.SECRETARIAT)
def patch_meeting(meeting_id: int):
    """Change a meeting."""
    meeting = load_meeting(meeting_id, need="manage")
    data = load_or_raise(MeetingInputSchema(partial=True), _json())
    services.update_meeting(meeting, data, actor=current_person())
    return jsonify(MeetingSchema().dump(meeting))


@bp.route("/<int:meeting_id>/state", methods=["POST"])
@roles_required(Role.SECRETARIAT, Role.CHAIR)
def post_state(meeting_id: int):
    """Move the meeting to another state."""
    meeting = load_meeting(meeting_id, need="read")
    target = load_or_raise(MeetingStateChangeSchema(), _json())["state"]
    check_meeting(meeting, "conduct" if target in services.CHAIR_MOVES else "manage")
    warnings = services.move_meeting(meeting, target, actor=current_person())
    return jsonify(MeetingPublishResultSchema().dump({"meeting": meeting, "warnings": warnings}))


@bp.route("/<int:meeting_id>/items", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def post_item(meeting_id: int):
    """Add an agenda item."""
    meeting = load_meeting(meeting_id, need="manage")
    data = load_or_raise(AgendaItemInputSchema(), _json())
    user = current_person()
    item = services.add_item(meeting, data, actor=user)
    with viewing(user):
        return jsonify(AgendaItemSchema().dump(item)), 201


@bp.route("/<int:meeting_id>/items/<int:item_id>", methods=["PATCH"])
@roles_required(Role.SECRETARIAT)
def patch_item(meeting_id: int, item_id: int):
    """Change an agenda item."""
    item = load_item(item_id, need="exists", meeting=load_meeting(meeting_id, need="manage"))
    data = load_or_raise(AgendaItemInputSchema(partial=True), _json())
    services.update_item(item, data, actor=current_person())
    return jsonify(services.item_dict(item))


@bp.route("/<int:meeting_id>/items/<int:item_id>", methods=["DELETE"])
@roles_required(Role.SECRETARIAT)
def delete_item(meeting_id: int, item_id: int):
    """Remove an agenda item."""
    item = load_item(item_id, need="exists", meeting=load_meeting(meeting_id, need="manage"))
    services.remove_item(item, actor=current_person())
    return "", 204


@bp.route("/<int:meeting_id>/order", methods=["PUT"])
@roles_required(Role.SECRETARIAT)
def put_order(meeting_id: int):
    """Reorder the agenda."""
    meeting = load_meeting(meeting_id, need="manage")
    data = load_or_raise(AgendaReorderSchema(), _json())
    order = services.reorder_items(meeting, data["order"], actor=current_person())
    return jsonify(AgendaReorderSchema().dump({"order": order}))


@bp.route("/<int:meeting_id>/items/<int:item_id>/papers", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def post_paper(meeting_id: int, item_id: int):
    """Upload a paper."""
    item = load_item(item_id, need="exists", meeting=load_meeting(meeting_id, need="manage"))
    data = load_or_raise(PaperUploadSchema(), request.form)
    paper = services.add_paper(
        item, upload=request.files.get("file"), actor=current_person(), **data
    )
    return jsonify(MeetingPaperSchema().dump(paper)), 201


@bp.route("/<int:meeting_id>/papers/<int:paper_id>/versions", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def post_version(meeting_id: int, paper_id: int):
    """Upload a new version of a paper."""
    paper = load_paper(paper_id, need="exists", meeting=load_meeting(meeting_id, need="manage"))
    services.add_version(paper, request.files.get("file"), actor=current_person())
    return jsonify(MeetingPaperSchema().dump(paper)), 201


@bp.route("/<int:meeting_id>/papers/<int:paper_id>/classification", methods=["PUT"])
@roles_required(Role.SECRETARIAT)
def put_classification(meeting_id: int, paper_id: int):
    """Set a paper's classification and readers."""
    paper = load_paper(paper_id, need="exists", meeting=load_meeting(meeting_id, need="manage"))
    data = load_or_raise(PaperClassificationSchema(), _json())
    services.set_classification(
        paper, data["classification"], data["reader_ids"], actor=current_person()
    )
    return jsonify(MeetingPaperSchema().dump(paper))


@bp.route("/<int:meeting_id>/papers/<int:paper_id>/withdraw", methods=["POST"])
@roles_required(Role.SECRETARIAT)
def post_withdraw(meeting_id: int, paper_id: int):
    """Withdraw a paper."""
    paper = load_paper(paper_id, need="exists", meeting=load_meeting(meeting_id, need="manage"))
    reason = str(_json().get("reason", ""))[:500]
    services.withdraw_paper(paper, actor=current_person(), reason=reason)
    return jsonify(MeetingPaperSchema().dump(paper))


@bp.route("/<int:meeting_id>/papers/<int:paper_id>", methods=["GET"])
@login_required_route
def get_paper(meeting_id: int, paper_id: int):
    """One paper as the person sees it."""
    paper = load_paper(paper_id, need="see", meeting=load_meeting(meeting_id, need="read"))
    user = current_person()
    with viewing(user, services.last_reads([paper], user)):
        return jsonify(MeetingPaperSchema().dump(paper))


document_views(globals(), Path(__file__).with_name("openapi.yaml"))
