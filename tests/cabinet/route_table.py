"""Who may use the core's routes."""

from cabinet.users.models import Role

ROUTES = {
    "core.index": {"roles": "any"},
    "core.healthz": {"roles": "public"},
    "core.readyz": {"roles": "public"},
    "auth.login": {"roles": "public"},
    "auth.logout": {"roles": "any", "method": "POST"},
    "auth.logout_everywhere": {"roles": "any", "method": "POST"},
    "auth.password": {"roles": "any"},
    "auth.set_locale": {"roles": "public", "method": "POST"},
    "admin.users": {"roles": {Role.ADMIN}},
    "admin.new_user": {"roles": {Role.ADMIN}},
    "admin.edit_user": {"roles": {Role.ADMIN}, "path_args": {"user_id": 1}},
    "admin.confirm_role_grant": {
        "roles": {Role.ADMIN},
        "method": "POST",
        "path_args": {"grant_id": 1},
    },
    "admin.cancel_role_grant": {
        "roles": {Role.ADMIN},
        "method": "POST",
        "path_args": {"grant_id": 1},
    },
    "core_api.me": {"roles": "any"},
    "core_api.list_users": {"roles": {Role.ADMIN}},
    "core_api.post_user": {"roles": {Role.ADMIN}, "method": "POST"},
    "core_api.patch_user": {"roles": {Role.ADMIN}, "method": "PATCH", "path_args": {"user_id": 1}},
    "core_api.audit_log": {"roles": {Role.ADMIN}},
    "core_api.openapi": {"roles": "public"},
    "static": {"roles": "public", "path_args": {"filename": "css/app.css"}},
}
