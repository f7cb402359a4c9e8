"""Comments on draft papers: a member writes on a page of a paper under discussion; the
secretariat and the ministry presenting the item read every comment (and the digest, as CSV);
a member sees their own. Private notes (`notes.py`) stay private.

A paper is a draft while its meeting is published or in session. Who may read the paper is
asked first everywhere (`meetings.loaders.load_paper`), so a person who may not read it learns
nothing of it or of its comments.
"""

from __future__ import annotations

import csv
import io
from itertools import groupby

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.audit import record
from cabinet.dates import local
from cabinet.db import db
from cabinet.errors import Forbidden, InvalidState, ValidationFailed
from cabinet.users.models import User
from meetings.models import MeetingState, Paper
from meetings.reader.models import PaperComment
from meetings.reader.presenting import may_present
from meetings.reader.reading import version_to_read

DRAFT_STATES = (MeetingState.PUBLISHED, MeetingState.IN_SESSION)
NOT_A_REVIEWER = _l("Chỉ Văn phòng Chính phủ và bộ trình bày mục này xem tổng hợp góp ý.")


class CommentsClosed(InvalidState):
    """The paper is no longer a draft: its meeting has ended (or is not published yet)."""

    code = "comments.closed"
    default_message = _l("Chỉ góp ý được khi tài liệu còn là dự thảo (phiên họp chưa kết thúc).")


def is_draft(paper: Paper) -> bool:
    """A paper takes comments while its meeting is published or in session."""
    return MeetingState(paper.meeting.state) in DRAFT_STATES and not paper.is_withdrawn


def reviews_comments(paper: Paper, user: User) -> bool:
    """The secretariat and the presenting ministry read every comment on the paper."""
    return may_present(paper, user)


def comments_for(paper: Paper, user: User) -> list[PaperComment]:
    """Every comment for a reviewer; a member's own comments otherwise; by page, then time."""
    query = select(PaperComment).where(PaperComment.paper_id == paper.id)
    if not reviews_comments(paper, user):
        query = query.where(PaperComment.author_id == user.id)
    order = (PaperComment.page, PaperComment.created_at, PaperComment.id)
    return list(db.session.scalars(query.order_by(*order)))


def add_comment(
    paper: Paper, user: User, *, page: int, text: str, version: int | None = None
) -> PaperComment:
    """Comment on a page of the version being read; audited without the text."""
    if not is_draft(paper):
        raise CommentsClosed()
    read_version = version_to_read(paper, version)
    if read_version.page_count and page > read_version.page_count:
        raise ValidationFailed(
            fields={"page": [str(_l("Tài liệu chỉ có %(n)s trang.", n=read_version.page_count))]}
        )
    comment = PaperComment(
        paper_id=paper.id,
        author_id=user.id,
        version_number=read_version.number,
        page=page,
        text=text.strip(),
    )
    db.session.add(comment)
    db.session.flush()
    record("comment.created", comment, data={"paper_id": paper.id, "page": page}, actor=user)
    return comment


def digest(paper: Paper, user: User) -> list[tuple[int, list[PaperComment]]]:
    """Every comment grouped by page, for a reviewer (Forbidden for anyone else)."""
    if not reviews_comments(paper, user):
        raise Forbidden(NOT_A_REVIEWER)
    comments = comments_for(paper, user)
    return [(page, list(group)) for page, group in groupby(comments, key=lambda c: c.page)]


def author_line(comment: PaperComment) -> str:
    """ "Name, title, ministry" as the digest names the author."""
    author = comment.author
    parts = [author.name, author.title or "", author.ministry or ""]
    return ", ".join(p for p in parts if p)


def digest_csv(paper: Paper, user: User) -> str:
    """The digest as CSV (UTF-8 with a BOM so that spreadsheet programs read the accents)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            str(_l("Trang")),
            str(_l("Phiên bản")),
            str(_l("Người góp ý")),
            str(_l("Thời gian")),
            str(_l("Nội dung")),
        ]
    )
    for page, comments in digest(paper, user):
        for c in comments:
            writer.writerow(
                [
                    page,
                    c.version_number,
                    author_line(c),
                    local(c.created_at).strftime("%Y-%m-%d %H:%M"),
                    c.text,
                ]
            )
    return "\ufeff" + out.getvalue()
