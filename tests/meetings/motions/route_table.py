"""Who may use the prepared motions routes (item page forms and /api/v1)."""

from cabinet.users.models import Role

W = {Role.SECRETARIAT, Role.CHAIR}
I = {"item_id": 1}  # noqa: E741
MO = {"motion_id": 1}

ROUTES = {
    "motions.motion_create": {"roles": W, "method": "POST", "path_args": I},
    "motions.motion_edit": {"roles": W, "method": "POST", "path_args": MO},
    "motions.motion_delete": {"roles": W, "method": "POST", "path_args": MO},
    "motions_api.list_motions": {"roles": "any", "path_args": I},
    "motions_api.post_motion": {"roles": W, "method": "POST", "path_args": I},
    "motions_api.patch_motion": {"roles": W, "method": "PATCH", "path_args": MO},
    "motions_api.delete_motion": {"roles": W, "method": "DELETE", "path_args": MO},
}
