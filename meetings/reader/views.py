"""HTML routes of the reader: the paper reader, the service worker script, the board pack file."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_login import current_user

from cabinet.config import settings
from cabinet.db import db, get_or_404
from cabinet.errors import Forbidden, NotFound
from cabinet.permissions import login_required_route, public_route
from cabinet.storage import send_stored
from meetings.models import Meeting, Paper
from meetings.papers import PaperWithdrawn, record_read
from meetings.reader import services
from meetings.reader.boardpack import plan_for

bp = Blueprint("reader", __name__)


def load_readable_paper(paper_id: int) -> Paper:
    """Load a paper for reading: 404 if its meeting is hidden, 403 if not a reader, 410 if
    withdrawn."""
    paper = get_or_404(Paper, paper_id)
    if not paper.meeting.can_read(current_user):
        raise NotFound()
    if not paper.can_see(current_user):
        raise Forbidden()
    if not paper.can_read(current_user):
        raise PaperWithdrawn()
    return paper


@bp.get("/papers/<int:paper_id>/read")
@login_required_route
def paper(paper_id: int):
    """The PDF.js reader for one paper (the current version, or ``?v=<number>``)."""
    paper = load_readable_paper(paper_id)
    version = services.version_to_read(paper, request.args.get("v", type=int))
    if not paper.is_classified:
        # Classified papers record (and audit) the read when the watermarked file is served.
        record_read(paper, current_user, version)
        db.session.commit()
    meeting = paper.meeting
    latest = paper.current_version
    response = current_app.make_response(
        render_template(
            "reader/paper.html",
            paper=paper,
            item=paper.item,
            meeting=meeting,
            version=version,
            latest=latest,
            file_url=services.paper_file_url(paper, version),
            classified=paper.is_classified,
        )
    )
    if paper.is_classified:
        # Never kept by the browser or the service worker: watermarked per reader, withdrawable.
        response.headers["Cache-Control"] = "no-store"
    else:
        response.headers["Cache-Control"] = "private, no-cache"
    return response


SW_PATH = Path(__file__).resolve().parents[2] / "static" / "sw.js"


@bp.get("/sw.js")
@public_route
def service_worker():
    """The offline service worker, served from the root so that its scope is the whole app."""
    # Read whole (a few KB) rather than streamed: the browser re-checks it on every visit.
    response = Response(SW_PATH.read_bytes(), mimetype="text/javascript")
    response.add_etag()
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response.make_conditional(request)


@bp.get("/meetings/<int:meeting_id>/board-pack.pdf")
@login_required_route
def boardpack_download(meeting_id: int):
    """The signed-in person's board pack, once built (the build starts from the meeting page)."""
    meeting = get_or_404(Meeting, meeting_id)
    services.ensure_pack_allowed(meeting, current_user)
    plan = plan_for(meeting, current_user)
    pack = services.cached_pack(plan.key())
    if pack is None:
        raise services.BoardPackNotBuilt()
    store = services.content_store()
    name = f"Tai-lieu-phien-hop-{meeting.number or meeting.id}.pdf".replace("/", "-")
    return send_stored(
        store.path_for(pack.sha256),
        download_name=name,
        mimetype="application/pdf",
        x_accel=settings().x_accel_redirect,
        x_accel_root=store.root,
        as_attachment=request.args.get("download") == "1",
    )


def offline_script_url() -> str:
    """URL of the offline module (templates include it to pre-cache a meeting)."""
    return url_for("static", filename="js/reader/offline.js")
