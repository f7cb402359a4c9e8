"""Core pages: the start page that routes each person to their work, and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user

from cabinet.health import readiness
from cabinet.lifecycle import worker
from cabinet.permissions import login_required_route, public_route
from cabinet.users.models import Role

bp = Blueprint("core", __name__)

# Where each role starts, first match wins; endpoints come from the feature packages.
START_PAGES = [
    ({Role.SECRETARIAT}, "meetings.index"),
    ({Role.CHAIR, Role.MEMBER, Role.DEPUTY, Role.INVITEE}, "meetings.my_meetings"),
    ({Role.ADMIN}, "admin.users"),
]


@bp.route("/")
@login_required_route
def index():
    """Send each person to the page they work from."""
    for roles, endpoint in START_PAGES:
        if current_user.has_role(*roles) and endpoint in current_app.view_functions:
            return redirect(url_for(endpoint))
    return render_template("home.html")


@bp.route("/healthz")
@public_route
def healthz():
    """Liveness: the process answers (nothing else is checked, so a database outage does not
    get the worker restarted)."""
    return jsonify(status="ok", draining=worker.draining)


@bp.route("/readyz")
@public_route
def readyz():
    """Readiness for the proxy and the orchestrator: the database, Redis and the disk; 503
    with the failing checks (or while the worker drains after SIGTERM)."""
    checks = readiness()
    ready = all(c["ok"] for c in checks.values()) and not worker.draining
    response = jsonify(status="ready" if ready else "unavailable", checks=checks)
    response.status_code = 200 if ready else 503
    if not ready:
        response.headers["Retry-After"] = "5"
    return response
