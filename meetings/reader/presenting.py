"""Follow the presenter: the secretariat (or the presenting ministry) shows a paper at a page,
and the tablets that follow open it there.

The presented paper and page are stored (one row per meeting), so a tablet that reconnects
finds them in its snapshot. Who hears of a presentation is who may read the paper: a paper for
everyone goes to the meeting's room, a classified paper or a restricted item's paper only to
the personal room of each person allowed to read it; nobody else receives its title or id.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.audit import record
from cabinet.db import db
from cabinet.errors import Forbidden, ValidationFailed
from cabinet.realtime import emit_after_commit, meeting_room
from cabinet.users.models import User
from meetings.audience import announce_to
from meetings.live.revision import at_revision
from meetings.models import Meeting, Paper, SessionNotOpen
from meetings.reader.models import Presentation
from meetings.reader.reading import version_to_read
from meetings.schemas import url_anywhere

NOT_A_PRESENTER = _l("Chỉ Văn phòng Chính phủ hoặc bộ trình bày mục này được trình chiếu tài liệu.")


def may_present(paper: Paper, user: User) -> bool:
    """The secretariat, or a member of the ministry presenting the paper's item who may read it."""
    if not paper.can_read(user):
        return False
    if paper.meeting.can_manage(user):
        return True
    ministry = (paper.item.ministry or "").strip()
    return bool(ministry) and (getattr(user, "ministry", "") or "").strip() == ministry


def presentation_of(meeting: Meeting) -> Presentation | None:
    """What is being shown in `meeting` now, if anything."""
    return db.session.get(Presentation, meeting.id)


def _shown_paper_id(meeting: Meeting) -> int | None:
    return db.session.scalar(
        select(Presentation.paper_id).where(Presentation.meeting_id == meeting.id)
    )


def presented_payload(presentation: Presentation) -> dict[str, Any]:
    """The presented paper and page as a following tablet needs them."""
    paper = presentation.paper
    return {
        "meeting_id": paper.meeting.id,
        "paper_id": paper.id,
        "item_id": paper.item_id,
        "title": paper.title,
        "page": presentation.page,
        "reader_url": url_anywhere("reader.paper", paper_id=paper.id),
    }


def presenting_part(meeting: Meeting, user: User) -> dict[str, Any] | None:
    """The snapshot part: the presented paper and page, for someone who may read the paper."""
    if not meeting.in_session:  # a closed session shows nothing any more
        return None
    # Most joins find nothing shown: asked once per revision (showing, turning, ending bump it).
    if at_revision(meeting, "presenting", lambda: _shown_paper_id(meeting)) is None:
        return None
    presentation = presentation_of(meeting)
    if presentation is None or not presentation.paper.can_read(user):
        return None
    return presented_payload(presentation)


def _for_everyone(paper: Paper) -> bool:
    return not paper.is_classified and not paper.item.restricted


def show_paper(meeting: Meeting, paper: Paper, page: int, actor: User) -> Presentation:
    """Show `paper` at `page` to the room; followers turn with it once this is committed."""
    if not meeting.in_session:
        raise SessionNotOpen()
    if not may_present(paper, actor):
        raise Forbidden(NOT_A_PRESENTER)
    pages = version_to_read(paper, None).page_count
    if pages and page > pages:
        raise ValidationFailed(fields={"page": [str(_l("Tài liệu chỉ có %(n)s trang.", n=pages))]})
    presentation = presentation_of(meeting)
    new_paper = presentation is None or presentation.paper_id != paper.id
    if presentation is None:
        presentation = Presentation(meeting_id=meeting.id, paper_id=paper.id, page=page)
        db.session.add(presentation)
    presentation.paper_id, presentation.paper, presentation.page = paper.id, paper, page
    presentation.presenter_id = actor.id
    db.session.flush()
    if new_paper:  # each page turn is not an audit entry; what was shown to the room is
        record("paper.presented", paper, data={"meeting_id": meeting.id}, actor=actor)
    payload = presented_payload(presentation)
    if _for_everyone(paper):
        emit_after_commit("presenter.shown", payload, room=meeting_room(meeting.id))
    else:
        announce_to("presenter.shown", payload, paper.can_read)
    return presentation


def stop_presenting(meeting: Meeting, actor: User) -> None:
    """Nothing is shown any more; followers stay where they are."""
    presentation = presentation_of(meeting)
    if presentation is None:
        return
    if not may_present(presentation.paper, actor):
        raise Forbidden(NOT_A_PRESENTER)
    db.session.delete(presentation)
    db.session.flush()
    emit_after_commit(
        "presenter.stopped", {"meeting_id": meeting.id}, room=meeting_room(meeting.id)
    )
