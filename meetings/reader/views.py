"""HTML routes of the reader: the paper reader, the service worker script, the board pack file."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request

from cabinet.config import settings
from cabinet.permissions import login_required_route, public_route
from cabinet.storage import send_stored
from cabinet.users import current_person
from meetings.loaders import load_meeting, load_paper
from meetings.papers.files import content_store, record_read
from meetings.reader import comments
from meetings.reader.boardpack import plan_for
from meetings.reader.packs import BoardPackNotBuilt, cached_pack
from meetings.reader.presenting import may_present
from meetings.reader.reading import paper_file_url, version_to_read

bp = Blueprint("reader", __name__)

SW_PATH = Path(__file__).resolve().parents[2] / "static" / "sw.js"


@bp.get("/papers/<int:paper_id>/read")
@login_required_route
def paper(paper_id: int):
    """The PDF.js reader for one paper (the current version, or ``?v=<number>``).

    404 if its meeting is hidden from the person, 403 if not a reader, 410 if withdrawn.
    """
    paper = load_paper(paper_id, need="read", conceal="meeting")
    version = version_to_read(paper, request.args.get("v", type=int))
    if not paper.is_classified:
        # Classified papers record (and audit) the read when the watermarked file is served.
        record_read(paper, current_person(), version)
    response = current_app.make_response(
        render_template(
            "reader/paper.html",
            paper=paper,
            item=paper.item,
            meeting=paper.meeting,
            version=version,
            latest=paper.current_version,
            file_url=paper_file_url(paper, version),
            classified=paper.is_classified,
            may_present=may_present(paper, current_person()),
            may_comment=comments.is_draft(paper),
        )
    )
    # A classified paper is never kept by the browser or the service worker: it is watermarked
    # per reader and may be withdrawn.
    response.headers["Cache-Control"] = "no-store" if paper.is_classified else "private, no-cache"
    return response


@bp.get("/papers/<int:paper_id>/comments")
@login_required_route
def comment_digest(paper_id: int):
    """The digest of the comments on a paper, by page (secretariat, presenting ministry)."""
    paper = load_paper(paper_id, need="read", conceal=True)
    pages = comments.digest(paper, current_person())
    return render_template(
        "reader/comments.html",
        paper=paper,
        item=paper.item,
        meeting=paper.meeting,
        pages=pages,
        author_line=comments.author_line,
        draft=comments.is_draft(paper),
    )


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
    meeting = load_meeting(meeting_id, need="read", conceal=True)
    pack = cached_pack(plan_for(meeting, current_person()).key())
    if pack is None:
        raise BoardPackNotBuilt()
    store = content_store()
    name = f"Tai-lieu-phien-hop-{meeting.number or meeting.id}.pdf".replace("/", "-")
    return send_stored(
        store.path_for(pack.sha256),
        download_name=name,
        mimetype="application/pdf",
        x_accel=settings().x_accel_redirect,
        x_accel_root=store.root,
        as_attachment=request.args.get("download") == "1",
    )
