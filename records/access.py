"""Loaders of the records' objects, each with the access its caller needs (404, then 403).

Views, API functions and socket handlers call one of these first, in the spirit of flaskr's
`get_post(id, check_author=True)`; the services then assume access was checked and enforce only
the state rules. The questions themselves are model methods (`can_read`, `can_edit`, ...).
"""

from __future__ import annotations

from typing import Literal

from flask import request
from flask_babel import lazy_gettext as _l

from cabinet.db import get_or_404
from cabinet.errors import Forbidden, ValidationFailed
from cabinet.schemas import load_or_raise
from cabinet.users import current_person
from cabinet.users.models import Role, User
from meetings.models import Meeting
from records.models import DecisionRecord, Minutes, MinutesComment, NotTheSigner, SignerRole
from records.schemas import VerifyRecordSchema
from records.signing import store
from voting.ballots.models import Ballot

#: read: members of the session, the chair, the secretariat; edit: the secretariat;
#: comment: the members present, the chair, the secretariat; sign: the record's two signers.
MinutesNeed = Literal["read", "edit", "comment", "sign"]
DecisionNeed = Literal["read", "edit", "sign"]

MAX_VERIFY_BYTES = 60 * 1024 * 1024


def load_session(meeting_id: int, need: Literal["read", "manage"] = "read") -> Meeting:
    """A session as the records see it: `read` its minutes (members, chair, secretariat), or
    `manage` its records (the secretariat drafts the resolution)."""
    meeting = get_or_404(Meeting, meeting_id)
    user = current_person()
    allowed = meeting.can_manage(user) if need == "manage" else meeting.has_member_access(user)
    if not allowed:
        raise Forbidden()
    return meeting


def load_ballot(ballot_id: int, need: Literal["manage"] = "manage") -> Ballot:
    """An opinion ballot whose decision record the current person may draft."""
    ballot = get_or_404(Ballot, ballot_id)
    if not ballot.can_manage(current_person()):
        raise Forbidden()
    return ballot


def load_minutes(minutes_id: int, need: MinutesNeed = "read") -> Minutes:
    """Minutes the current person may read, and also edit, comment on or sign (per `need`)."""
    minutes = get_or_404(Minutes, minutes_id)
    user = current_person()
    if not minutes.can_read(user):
        raise Forbidden()
    if need == "edit" and not minutes.can_edit(user):
        raise Forbidden()
    if need == "comment" and not minutes.can_comment(user):
        raise Forbidden(_l("Chỉ thành viên dự họp góp ý biên bản."))
    if need == "sign":
        _ensure_signer(minutes, user)
    return minutes


def load_decision(record_id: int, need: DecisionNeed = "read") -> DecisionRecord:
    """A decision record the current person may read, and also edit or sign (per `need`)."""
    record = get_or_404(DecisionRecord, record_id)
    user = current_person()
    if not record.can_read(user):
        raise Forbidden()
    if need == "edit" and not record.can_edit(user):
        raise Forbidden()
    if need == "sign":
        _ensure_signer(record, user)
    return record


def load_comment(comment_id: int, need: Literal["resolve"] = "resolve") -> MinutesComment:
    """A comment on minutes that the current person may mark as handled (who edits them)."""
    comment = get_or_404(MinutesComment, comment_id)
    if not comment.minutes.can_edit(current_person()):
        raise Forbidden()
    return comment


def _ensure_signer(record: Minutes | DecisionRecord, user: User) -> None:
    # The office (văn thư: the secretariat) applies the organisation's seal (Decree 30/2020).
    office = SignerRole.ORGANISATION in record.signing_order and user.has_role(Role.SECRETARIAT)
    if user.id not in (record.secretary_id, record.chair_id) and not office:
        raise NotTheSigner(
            _l(
                "Bạn không phải người ký văn bản này. Người ký: thư ký %(secretary)s, chủ tọa %(chair)s.",
                secretary=record.secretary.name if record.secretary else "—",
                chair=record.chair.name if record.chair else "—",
            )
        )


def load_pdf_to_verify() -> bytes:
    """The PDF to verify: an uploaded file, or the current file of a record the person may read
    (named as `record_type` + `record_id`, or the page's `record` = "minutes:3")."""
    upload = request.files.get("file")
    if upload is not None:
        data = upload.read(MAX_VERIFY_BYTES + 1)
        if not data:
            raise ValidationFailed(fields={"file": [_l("Tệp rỗng.")]})
        if len(data) > MAX_VERIFY_BYTES:
            raise ValidationFailed(fields={"file": [_l("Tệp quá lớn để kiểm tra.")]})
        return data
    source = dict((request.get_json(silent=True) if request.is_json else request.form) or {})
    if "record" in source:  # the page's <select>: "minutes:3"
        source["record_type"], _sep, source["record_id"] = str(source.pop("record")).partition(":")
    data = load_or_raise(VerifyRecordSchema(), source)
    if data["record_type"] == "minutes":
        record: Minutes | DecisionRecord = load_minutes(data["record_id"])
    else:
        record = load_decision(data["record_id"])
    if not record.pdf_sha256:
        raise ValidationFailed(fields={"record_id": [_l("Văn bản chưa có bản PDF.")]})
    with store().open(record.pdf_sha256) as handle:
        return handle.read()
