"""Who may use the room screen routes."""

from cabinet.users.models import Role

S = {Role.SECRETARIAT}

ROUTES = {
    "display.room": {"roles": "public", "path_args": {"token": "x" * 43}},
    "display.manage": {"roles": S, "path_args": {"meeting_id": 1}},
    "display.revoke": {
        "roles": S,
        "method": "POST",
        "path_args": {"meeting_id": 1, "token_id": 1},
    },
}
