"""The motions JSON API: an item's prepared motions and their amendments (problem+json errors).

GET  /api/v1/items/<item_id>/motions     everyone who may read the item
POST /api/v1/items/<item_id>/motions     the secretariat (motions); the chair too (amendments)
PATCH, DELETE /api/v1/motions/<id>       the same, until a vote was opened on it
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, jsonify

from cabinet.permissions import login_required_route, roles_required
from cabinet.schemas import json_body, load_or_raise
from cabinet.users import current_person
from cabinet.users.models import Role
from meetings.loaders import load_item
from meetings.motions import services
from meetings.motions.access import check_write, load_motion, load_parent
from meetings.motions.schemas import (
    MotionEditSchema,
    MotionInputSchema,
    MotionListSchema,
    MotionSchema,
)
from meetings.openapi import document_views

bp = Blueprint("motions_api", __name__, url_prefix="/api/v1")


def _row(motion) -> dict:
    rows = services.motion_rows(motion.item)
    return next(r for r in rows if r["id"] == motion.id)


@bp.route("/items/<int:item_id>/motions", methods=["GET"])
@login_required_route
def list_motions(item_id: int):
    """An item's motions and amendments, with the vote opened on each."""
    item = load_item(item_id, need="read")
    return jsonify(
        MotionListSchema().dump({"item_id": item.id, "motions": services.motion_rows(item)})
    )


@bp.route("/items/<int:item_id>/motions", methods=["POST"])
@roles_required(Role.SECRETARIAT, Role.CHAIR)
def post_motion(item_id: int):
    """Attach a motion to the item, or (with `parent_id`, in session) an amendment."""
    item = load_item(item_id, need="read")
    data = load_or_raise(MotionInputSchema(), json_body())
    check_write(item, amendment=data["parent_id"] is not None)
    parent = load_parent(item, data["parent_id"])
    motion = services.add_motion(item, current_person(), text=data["text"], parent=parent)
    return jsonify(MotionSchema().dump(_row(motion))), 201


@bp.route("/motions/<int:motion_id>", methods=["PATCH"])
@roles_required(Role.SECRETARIAT, Role.CHAIR)
def patch_motion(motion_id: int):
    """Reword a motion nobody has voted on."""
    motion = load_motion(motion_id, need="write")
    data = load_or_raise(MotionEditSchema(), json_body())
    services.update_motion(motion, current_person(), text=data["text"])
    return jsonify(MotionSchema().dump(_row(motion)))


@bp.route("/motions/<int:motion_id>", methods=["DELETE"])
@roles_required(Role.SECRETARIAT, Role.CHAIR)
def delete_motion(motion_id: int):
    """Take back a motion nobody has voted on."""
    motion = load_motion(motion_id, need="write")
    services.remove_motion(motion, current_person())
    return "", 204


document_views(globals(), Path(__file__).with_name("openapi.yaml"))
