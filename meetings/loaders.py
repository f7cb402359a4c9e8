"""Load an object and check that the signed-in person may use it: the one access layer.

Views, API functions and socket handlers call these first, as flaskr calls
`get_post(id, check_author=True)`; services assume the check was made and enforce only state
rules. A missing object is NotFound (404); a refusal is Forbidden (403), or NotFound where the
person may not even learn that the object exists (`conceal`).

    load_meeting  exists   anyone signed in (the service decides)
                  read     meeting.can_read: participants; drafts only the secretariat, chair
                  manage   the secretariat
                  conduct  the chair, or the secretariat at the chair's console
    load_item     exists   (of `meeting`, when given)
                  read     item.can_read: restricted items only for the cabinet and its invitees
                  manage   the secretariat
                  speak    the chair, members, a member's deputy, invitees of the item
    load_paper    exists, manage   as above
                  see      paper.can_see: may know it exists (classified: named readers)
                  read     may open it: 403 unless it may see it, 410 once withdrawn
    load_note              its author only (404 for anyone else)
    load_speaking_request  exists, or own (the person who asked)

`tests/meetings/test_loaders.py` walks these tables.
"""

from __future__ import annotations

from typing import Any, Literal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cabinet.db import db
from cabinet.errors import Forbidden, NotFound
from cabinet.users import current_person
from meetings.live.models import SpeakingRequest
from meetings.live.speakers import capacity_of
from meetings.models import AgendaItem, Meeting, Paper, meeting_with_participant
from meetings.papers.files import PaperWithdrawn
from meetings.reader.models import PaperNote

MeetingNeed = Literal["exists", "read", "manage", "conduct"]
ItemNeed = Literal["exists", "read", "manage", "speak"]
PaperNeed = Literal["exists", "see", "read", "manage"]

CONDUCT_ONLY = _l("Chỉ chủ tọa hoặc Văn phòng Chính phủ điều hành phiên họp.")
NOT_A_READER = _l("Bạn không có quyền đọc tài liệu này.")
MAY_NOT_SPEAK = _l("Bạn không được đăng ký phát biểu ở mục này.")


def _refuse(conceal: bool, message: Any = None) -> Exception:
    return NotFound() if conceal else Forbidden(message)


def may_use_meeting(meeting: Meeting, need: MeetingNeed, user: Any) -> bool:
    """The answer to `need` for `user` on `meeting` (see the table above)."""
    if need == "exists":
        return True
    if need == "read":
        return meeting.can_read(user)
    if need == "manage":
        return meeting.can_manage(user)
    if need == "conduct":
        return meeting.can_conduct(user)
    raise ValueError(f"unknown need {need!r}")


def check_meeting(
    meeting: Meeting,
    need: MeetingNeed,
    *,
    user: Any = None,
    conceal: bool = False,
    message: Any = None,
) -> Meeting:
    """Raise Forbidden (NotFound when `conceal`) unless the person may use `meeting` so."""
    user = user if user is not None else current_person()
    if not may_use_meeting(meeting, need, user):
        if message is None and need == "conduct":
            message = CONDUCT_ONLY
        raise _refuse(conceal, message)
    return meeting


def load_meeting(
    meeting_id: int,
    need: MeetingNeed = "read",
    *,
    agenda: bool = False,
    conceal: bool = False,
    message: Any = None,
) -> Meeting:
    """The meeting `meeting_id` if the signed-in person may use it as `need` says.

    `agenda=True` loads the items, invitees, papers, versions and readers in a few queries (for
    pages and snapshots that show them all; the participants only when asked for: a join
    looks up one of them); `message` replaces the refusal's message.
    """
    user = current_person()
    if agenda:
        meeting = fetch_meeting(meeting_id)
    elif getattr(user, "id", None) is not None:
        meeting = meeting_with_participant(db.session, meeting_id, user.id)
    else:
        meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound()
    return check_meeting(meeting, need, user=user, conceal=conceal, message=message)


def fetch_meeting(meeting_id: int) -> Meeting | None:
    """A meeting with its agenda, papers and versions loaded in a few queries (no check)."""
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.items).selectinload(AgendaItem.invitees),
            selectinload(Meeting.items)
            .selectinload(AgendaItem.papers)
            .selectinload(Paper.versions),
            selectinload(Meeting.items).selectinload(AgendaItem.papers).selectinload(Paper.readers),
        )
    )


def load_item(
    item_id: int, need: ItemNeed = "read", *, meeting: Meeting | None = None
) -> AgendaItem:
    """The agenda item `item_id` (of `meeting`, when given) if the person may use it so."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or (meeting is not None and item.meeting_id != meeting.id):
        raise NotFound()
    user = current_person()
    if need == "read" and not item.can_read(user):
        raise Forbidden()
    if need == "manage" and not item.meeting.can_manage(user):
        raise Forbidden()
    if need == "speak" and capacity_of(item.meeting, item, user) is None:
        raise Forbidden(MAY_NOT_SPEAK)
    return item


def load_paper(
    paper_id: int,
    need: PaperNeed = "read",
    *,
    meeting: Meeting | None = None,
    conceal: bool | Literal["meeting"] = False,
) -> Paper:
    """The paper `paper_id` (of `meeting`, when given) if the person may use it as `need` says.

    `conceal="meeting"`: a person who may not read the paper's meeting gets 404 (the reader
    page). `conceal=True`: every refusal is 404 (private notes never reveal a paper).
    """
    paper = db.session.get(Paper, paper_id)
    if paper is None or (meeting is not None and paper.item.meeting_id != meeting.id):
        raise NotFound()
    user = current_person()
    if need == "manage" and not paper.meeting.can_manage(user):
        raise Forbidden()
    if need in ("see", "read"):
        if conceal == "meeting" and not paper.meeting.can_read(user):
            raise NotFound()
        if not paper.can_see(user):
            raise _refuse(conceal is True, NOT_A_READER if need == "read" else None)
    if need == "read" and not paper.can_read(user):
        raise NotFound() if conceal is True else PaperWithdrawn()
    return paper


def load_note(note_id: int) -> PaperNote:
    """One of the signed-in person's own notes; anyone else's is NotFound (existence hidden)."""
    note = db.session.get(PaperNote, note_id)
    if note is None or not note.is_visible_to(current_person()):
        raise NotFound()
    return note


def load_speaking_request(
    meeting: Meeting, request_id: int, need: Literal["exists", "own"] = "exists"
) -> SpeakingRequest:
    """A request to speak in `meeting`; `need="own"`: only the person who asked may use it."""
    req = db.session.get(SpeakingRequest, request_id)
    if req is None or req.meeting_id != meeting.id:
        raise NotFound()
    if need == "own" and req.user_id != current_person().id:
        raise Forbidden()
    return req
