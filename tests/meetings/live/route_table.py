"""Who may use the live-session pages (object checks happen inside the views)."""

from cabinet.users.models import Role

ROUTES = {
    "live.tablet": {"roles": "any", "path_args": {"meeting_id": 1}},
    "live.console": {"roles": {Role.CHAIR, Role.SECRETARIAT}, "path_args": {"meeting_id": 1}},
    "live.attendance": {"roles": {Role.SECRETARIAT}, "path_args": {"meeting_id": 1}},
    "live.suspend": {
        "roles": {Role.CHAIR, Role.SECRETARIAT},
        "method": "POST",
        "path_args": {"meeting_id": 1},
    },
    "live.resume": {
        "roles": {Role.CHAIR, Role.SECRETARIAT},
        "method": "POST",
        "path_args": {"meeting_id": 1},
    },
}
