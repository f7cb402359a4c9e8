"""Minutes and decision records: drafting, revisions, circulation, comments, issuance.

Services assume the caller loaded the record with the access it needs (`records.access`) and
enforce only the state rules. They flush and never commit; the request or socket event commits
once, then the queued emits go out.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import load_only
from sqlalchemy.orm.exc import StaleDataError

from cabinet.audit import record as audit
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.errors import InvalidState, NotFound, ValidationFailed
from cabinet.users.models import User
from meetings.audience import announce_to
from meetings.models import AgendaItem, Meeting, MeetingState
from records import numbering
from records.compose.decisions import (
    ballot_decision_content,
    decision_title,
    lower_first,
    resolution_content,
)
from records.compose.fields import apply_fields, diff_fields
from records.compose.minutes import default_secretary, minutes_content
from records.compose.text import plain_tree
from records.decision_steps import ballot_summary_record as ballot_summary_record
from records.decision_steps import reopen_decision as reopen_decision
from records.decision_steps import void_decision_number as void_decision_number
from records.models import (
    DecisionKind,
    DecisionRecord,
    EditConflict,
    Minutes,
    MinutesComment,
    MinutesRevision,
    RecordState,
)
from records.render import render_decision, render_minutes
from records.schemas import MinutesCommentSchema, RevisionSchema
from records.signing import store
from voting.ballots.models import Ballot, BallotStatus
from voting.ballots.summary import ballot_record

CLOSED_STATES = (MeetingState.CLOSED, MeetingState.ARCHIVED)
#: The first revision's note, stored in Vietnamese; pages translate it (records' catalog).
DRAFTED_NOTE = "Dự thảo tạo tự động từ diễn biến phiên họp"


class SessionNotClosed(InvalidState):
    code = "record.session_not_closed"
    default_message = _l("Biên bản chỉ được lập sau khi phiên họp kết thúc.")


# ---- minutes ------------------------------------------------------------------------------


def minutes_of(meeting: Meeting) -> Minutes | None:
    """The minutes of a meeting, if drafted."""
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))


#: The minutes' id, state and version only: not their text, which grows while the secretary
#: drafts during the session and would be read again by every joining tablet.
_STATUS = (
    select(Minutes)
    .where(Minutes.meeting_id == bindparam("meeting_id"))
    .options(load_only(Minutes.id, Minutes.state, Minutes.version))
)


def minutes_status_of(meeting: Meeting) -> Minutes | None:
    """`minutes_of(meeting)` with only their state loaded (what a meeting's snapshot shows)."""
    return db.session.scalar(_STATUS, {"meeting_id": meeting.id})


def ensure_minutes(meeting: Meeting, actor: User | None) -> Minutes:
    """The minutes of a closed session; drafted now for a session closed before the minutes
    were drafted at its close (the secretary named for the meeting, else `actor`)."""
    existing = minutes_of(meeting)
    if existing is not None:
        return existing
    secretary = default_secretary(meeting, fallback=actor)
    return draft_minutes(meeting, actor, secretary=secretary, author=actor)


def draft_minutes(
    meeting: Meeting, actor: User | None, *, secretary: User | None, author: User | None
) -> Minutes:
    """Generate the draft minutes of a closed session from its session record.

    `actor` is whose action drafts them (the audit log), `author` the person the first revision
    names (None: the system).
    """
    if MeetingState(meeting.state) not in CLOSED_STATES:
        raise SessionNotClosed(meeting_id=meeting.id)
    minutes = Minutes(
        meeting=meeting,
        state=RecordState.DRAFT,
        content=minutes_content(meeting, secretary),
        secretary_id=secretary.id if secretary is not None else None,
        chair_id=meeting.chair_id,
    )
    minutes.revisions.append(
        MinutesRevision(
            number=1,
            author_id=getattr(author, "id", None),
            changes=[],
            note=DRAFTED_NOTE,
        )
    )
    db.session.add(minutes)
    db.session.flush()
    audit("minutes.drafted", minutes, actor=actor)
    return minutes


def changes_since(minutes: Minutes, version: int) -> list[dict[str, Any]]:
    """The saves made after ``version``: who, when, and which fields."""
    revisions = db.session.scalars(
        select(MinutesRevision)
        .where(MinutesRevision.minutes_id == minutes.id, MinutesRevision.number > version)
        .order_by(MinutesRevision.number)
    )
    return RevisionSchema(many=True, exclude=("note",)).dump([r for r in revisions if r.changes])


def save_minutes(
    minutes: Minutes, values: dict[str, str], *, version: int, actor: User
) -> MinutesRevision | None:
    """Save edited fields as a new revision; a save based on a stale version is refused (409).

    Only content saves conflict: a version moved by a state change alone (circulation) does not.
    """
    minutes.ensure_editable()
    others = changes_since(minutes, version)
    if others:
        names = sorted({o["author"] or "?" for o in others})
        raise EditConflict(
            _l(
                "Biên bản vừa được %(names)s lưu (phiên bản %(current)s; bạn đang sửa phiên bản "
                "%(yours)s). Thay đổi của họ: %(fields)s. Hãy xem lại rồi lưu lần nữa.",
                names=", ".join(names),
                current=minutes.version,
                yours=version,
                fields="; ".join(c["label"] for o in others for c in o["changes"]),
            ),
            current_version=minutes.version,
            their_changes=others,
        )
    try:
        new_content = apply_fields(minutes.content, values)
    except KeyError as exc:
        raise ValidationFailed(
            fields={"changes": [_l("Trường không sửa được: %(f)s", f=str(exc))]}
        ) from exc
    changes = diff_fields(minutes.content, new_content)
    if not changes:
        return None
    minutes.content = new_content
    try:
        db.session.flush()  # UPDATE ... WHERE version = :seen
    except StaleDataError as exc:
        raise EditConflict(current_version=None) from exc
    revision = MinutesRevision(number=minutes.version, author_id=actor.id, changes=changes)
    minutes.revisions.append(revision)
    db.session.flush()
    audit(
        "minutes.edited",
        minutes,
        data={"version": minutes.version, "fields": [c["path"] for c in changes]},
        actor=actor,
    )
    _announce(
        minutes, "minutes.updated", version=minutes.version, fields=[c["path"] for c in changes]
    )
    return revision


def _announce(minutes: Minutes, event: str, *, item_id: int | None = None, **payload: Any) -> None:
    """To each person who may read the minutes (and the item, for an item's comment): never
    to the whole meeting room, where invitees follow the session without reading its minutes."""
    item = db.session.get(AgendaItem, item_id) if item_id is not None else None
    announce_to(
        event,
        {"meeting_id": minutes.meeting_id, "minutes_id": minutes.id, **payload},
        lambda person: minutes.can_read(person) and (item is None or item.can_read(person)),
    )


def circulate_minutes(minutes: Minutes, *, actor: User) -> Minutes:
    """Send the draft to the members present for corrections."""
    minutes.circulate(utcnow())
    db.session.flush()
    audit("minutes.circulated", minutes, actor=actor)
    _announce(minutes, "minutes.circulated", state=str(minutes.state))
    return minutes


def add_comment(minutes: Minutes, user: User, *, item_id: int | None, text: str) -> MinutesComment:
    """A member's correction on one item; it appears live in the meeting room."""
    if minutes.state != RecordState.CIRCULATED:
        raise InvalidState(_l("Biên bản không trong thời gian lấy ý kiến góp ý."))
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(fields={"text": [_l("Hãy nhập nội dung góp ý.")]})
    if item_id is not None and item_id not in {i["item_id"] for i in minutes.content["items"]}:
        raise NotFound()
    comment = MinutesComment(item_id=item_id, author=user, text=text[:4000])
    minutes.comments.append(comment)
    db.session.flush()
    audit("minutes.commented", minutes, data={"item_id": item_id}, actor=user)
    _announce(
        minutes,
        "minutes.comment_added",
        item_id=item_id,
        comment=MinutesCommentSchema().dump(comment),
    )
    return comment


def resolve_comment(comment: MinutesComment, *, actor: User) -> MinutesComment:
    """The secretariat marks a correction as taken into account."""
    comment.minutes.ensure_editable()
    comment.resolved_at = utcnow()
    comment.resolved_by_id = actor.id
    db.session.flush()
    _announce(comment.minutes, "minutes.comment_resolved", comment_id=comment.id)
    return comment


def reopen_minutes(minutes: Minutes, *, actor: User) -> Minutes:
    """Back to draft (from circulation, or from final before anyone signed)."""
    minutes.back_to_draft()
    db.session.flush()
    audit("minutes.reopened", minutes, actor=actor)
    _announce(minutes, "minutes.state_changed", state=str(minutes.state))
    return minutes


def finalize_minutes(minutes: Minutes, *, actor: User) -> Minutes:
    """Freeze the text, take its register number, render the PDF to be signed."""
    if minutes.chair_id is None:
        raise InvalidState(_l("Phiên họp chưa có chủ tọa; không thể chốt biên bản."))
    minutes.finalize(utcnow())
    if minutes.secretary_id is None:
        minutes.secretary_id = actor.id
    db.session.flush()
    if minutes.register_entry is None:
        # Rendered with the register's next number, taken after: no counter lock while rendering.
        minutes.register_entry, pdf = numbering.issue_rendered(
            "BB",
            title=f"Biên bản {minutes.content['meeting']['title']}",
            actor=actor,
            render=lambda symbol: render_minutes(minutes, number=symbol),
        )
    else:
        pdf = render_minutes(minutes)
    minutes.pdf_sha256 = store().put_bytes(pdf)
    db.session.flush()
    audit("minutes.finalized", minutes, data={"sha256": minutes.pdf_sha256}, actor=actor)
    _announce(minutes, "minutes.state_changed", state=str(minutes.state))
    return minutes


# ---- decision records ----------------------------------------------------------------------


def draft_resolution(meeting: Meeting, *, actor: User) -> DecisionRecord:
    """Draft the session's resolution from the conclusions and decisions of its items."""
    if MeetingState(meeting.state) not in CLOSED_STATES:
        raise SessionNotClosed(meeting_id=meeting.id)
    minutes = minutes_of(meeting)
    content = resolution_content(meeting, minutes.content if minutes else None)
    record = DecisionRecord(
        kind=DecisionKind.RESOLUTION,
        meeting_id=meeting.id,
        doc_type="NQ",
        title=decision_title(content["summary"]),
        content=content,
        secretary_id=(minutes.secretary_id if minutes else None) or actor.id,
        chair_id=meeting.chair_id,
        created_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    audit("decision.drafted", record, data={"meeting_id": meeting.id}, actor=actor)
    return record


def draft_ballot_decision(ballot: Ballot, *, actor: User) -> DecisionRecord:
    """Draft the decision record of a concluded opinion ballot."""
    if ballot.status != BallotStatus.CONCLUDED or ballot.conclusion is None:
        raise InvalidState(_l("Phiếu lấy ý kiến chưa có kết luận của Thủ tướng."))
    chair = ballot.conclusion.decided_by
    content = ballot_decision_content(ballot_record(ballot), chair)
    record = DecisionRecord(
        kind=DecisionKind.BALLOT_DECISION,
        ballot_id=ballot.id,
        doc_type="NQ",
        title=decision_title(f"về {lower_first(ballot.title)}"),
        content=content,
        secretary_id=actor.id,
        chair_id=chair.id if chair else None,
        created_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    audit("decision.drafted", record, data={"ballot_id": ballot.id}, actor=actor)
    return record


def update_decision(
    record: DecisionRecord, data: dict[str, Any], *, version: int, actor: User
) -> DecisionRecord:
    """Edit a draft decision record (summary, bases, articles, recipients) with a version check."""
    record.ensure_editable()
    if version != record.version:
        raise EditConflict(current_version=record.version)
    content = dict(record.content)
    data = plain_tree(data)  # the record keeps text, never markup
    for key in ("summary", "bases", "articles", "recipients"):
        if key in data:
            content[key] = data[key]
    if "summary" in data:
        record.title = decision_title(data["summary"])
    record.content = content
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise EditConflict() from exc
    audit("decision.edited", record, data={"fields": sorted(data)}, actor=actor)
    return record


def issue_decision(record: DecisionRecord, *, actor: User) -> DecisionRecord:
    """Close the draft for signing and render the PDF to be signed.

    Decree 30 order (the default): no number yet; the chair signs first, and the office issues
    the number and date as it applies the organisation's signature (``records.signing``). The
    secretary-first order some ministries keep: the number is taken from the register now."""
    if record.chair_id is None:
        raise InvalidState(_l("Chưa xác định người ký (chủ tọa)."))
    if settings().decision_signing_order == "decree30":
        record.finalize(utcnow())
        record.secretary_id = record.secretary_id or actor.id
        db.session.flush()
        record.pdf_sha256 = store().put_bytes(render_decision(record))
        db.session.flush()
        audit("decision.finalized", record, data={"sha256": record.pdf_sha256}, actor=actor)
        return record
    record.issue(utcnow())
    record.secretary_id = record.secretary_id or actor.id
    db.session.flush()
    # Rendered with the register's next number, taken after: no counter lock while rendering.
    record.register_entry, pdf = numbering.issue_rendered(
        record.doc_type,
        title=record.title,
        actor=actor,
        render=lambda symbol: render_decision(record, number=symbol),
        now=record.issued_at,
    )
    record.pdf_sha256 = store().put_bytes(pdf)
    db.session.flush()
    audit(
        "decision.issued",
        record,
        data={"number": record.register_entry.symbol, "sha256": record.pdf_sha256},
        actor=actor,
    )
    return record


def decisions_of_meeting(meeting: Meeting) -> list[DecisionRecord]:
    """The decision records drafted from a meeting."""
    return list(
        db.session.scalars(
            select(DecisionRecord)
            .where(DecisionRecord.meeting_id == meeting.id)
            .order_by(DecisionRecord.id)
        )
    )
