"""Who may use the meetings routes (pages and /api/v1/meetings)."""

from cabinet.users.models import Role

S = {Role.SECRETARIAT}
M = {"meeting_id": 1}
I = {"item_id": 1}  # noqa: E741
P = {"paper_id": 1}

ROUTES = {
    "calendar.feed": {"roles": "public", "path_args": {"token": "x"}},
    "calendar.page": {"roles": "any"},
    "calendar.renew": {"roles": "any", "method": "POST"},
    "calendar.revoke": {"roles": "any", "method": "POST"},
    "meetings.my_meetings": {"roles": "any"},
    "meetings.index": {"roles": S},
    "meetings.create": {"roles": S},
    "meetings.edit": {"roles": S, "path_args": M},
    "meetings.manage": {"roles": S, "path_args": M},
    "meetings.change_state": {
        "roles": {Role.SECRETARIAT, Role.CHAIR},
        "method": "POST",
        "path_args": M,
    },
    "meetings.item_create": {"roles": S, "path_args": M},
    "meetings.item_edit": {"roles": S, "path_args": I},
    "meetings.item_delete": {"roles": S, "method": "POST", "path_args": I},
    "meetings.item_move": {"roles": S, "method": "POST", "path_args": I},
    "meetings.detail": {"roles": "any", "path_args": M},
    "meetings.item": {"roles": "any", "path_args": I},
    "meetings.paper_create": {"roles": S, "method": "POST", "path_args": I},
    "meetings.paper_version_create": {"roles": S, "method": "POST", "path_args": P},
    "meetings.paper_classify": {"roles": S, "method": "POST", "path_args": P},
    "meetings.paper_withdraw": {"roles": S, "method": "POST", "path_args": P},
    "meetings.paper_file": {"roles": "any", "path_args": P},
    "meetings_api.list_meetings": {"roles": "any"},
    "meetings_api.create_meeting": {"roles": S, "method": "POST"},
    "meetings_api.get_meeting": {"roles": "any", "path_args": M},
    "meetings_api.patch_meeting": {"roles": S, "method": "PATCH", "path_args": M},
    "meetings_api.post_state": {
        "roles": {Role.SECRETARIAT, Role.CHAIR},
        "method": "POST",
        "path_args": M,
    },
    "meetings_api.post_item": {"roles": S, "method": "POST", "path_args": M},
    "meetings_api.patch_item": {"roles": S, "method": "PATCH", "path_args": {**M, **I}},
    "meetings_api.delete_item": {"roles": S, "method": "DELETE", "path_args": {**M, **I}},
    "meetings_api.put_order": {"roles": S, "method": "PUT", "path_args": M},
    "meetings_api.post_paper": {"roles": S, "method": "POST", "path_args": {**M, **I}},
    "meetings_api.post_version": {"roles": S, "method": "POST", "path_args": {**M, **P}},
    "meetings_api.put_classification": {"roles": S, "method": "PUT", "path_args": {**M, **P}},
    "meetings_api.post_withdraw": {"roles": S, "method": "POST", "path_args": {**M, **P}},
    "meetings_api.get_paper": {"roles": "any", "path_args": {**M, **P}},
}
