"""What the session record (minutes) says about the live session, for the records package."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from cabinet.db import db
from cabinet.users.models import CabinetSeat, User
from meetings import hooks
from meetings.live.attendance import attendance_rows, member_ids, quorum_status
from meetings.live.models import SpeakerStatus, SpeakingRequest
from meetings.models import Meeting, ParticipantRole


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.id, "name": user.name, "title": user.title, "ministry": user.ministry}


def session_record(meeting: Meeting) -> dict[str, Any]:
    """Attendance, speakers in order per item, and every vote with counts, outcome and rule.

    Open votes list who chose what; secret votes carry counts only (nothing else exists).
    """
    rows = {row.user_id: row for row in attendance_rows(meeting)}
    seats = db.session.scalars(
        select(CabinetSeat).where(CabinetSeat.active.is_(True)).order_by(CabinetSeat.position)
    )
    present, absent, deputies = [], [], []
    for seat in seats:
        row = rows.get(seat.member_id)
        entry = _person(seat.member) | {"mode": str(row.mode) if row and row.mode else None}
        if row is not None and row.is_present:
            present.append(entry)
            continue
        absent.append(
            entry
            | {
                "with_leave": bool(row and row.with_leave),
                "reason": row.leave_reason if row else "",
            }
        )
        if row is not None and row.deputy_id:
            deputies.append(
                {
                    "deputy": _person(row.deputy),
                    "for": _person(seat.member),
                    "present": row.deputy_present,
                }
            )
    members = set(member_ids())
    deputy_ids = {d["deputy"]["id"] for d in deputies}
    invitees = []
    secretaries = []
    for part in meeting.participants:
        if part.role == ParticipantRole.SECRETARIAT:
            secretaries.append(_person(part.user))
    for uid, row in rows.items():
        if uid in members or uid in deputy_ids or not row.is_present and not row.arrived_at:
            continue
        if any(s and s["id"] == uid for s in secretaries):
            continue
        invitees.append(_person(row.user))

    speakers: dict[int, list[dict[str, Any]]] = {}
    for req in db.session.scalars(
        select(SpeakingRequest)
        .where(
            SpeakingRequest.meeting_id == meeting.id,
            SpeakingRequest.status.in_([SpeakerStatus.SPEAKING, SpeakerStatus.DONE]),
            SpeakingRequest.floor_at.is_not(None),
        )
        .order_by(SpeakingRequest.floor_at, SpeakingRequest.id)
    ):
        speakers.setdefault(req.item_id, []).append(
            _person(req.user)
            | {
                "capacity": str(req.capacity),
                "for_member": req.for_member.name if req.for_member else None,
                "floor_at": req.floor_at.isoformat(),
                "done_at": req.done_at.isoformat() if req.done_at else None,
            }
        )

    status = quorum_status(meeting)
    return {
        "meeting_id": meeting.id,
        "chair": _person(meeting.chair),
        "attendance": {
            "present": present,
            "absent": absent,
            "deputies": deputies,
            "invitees": invitees,
            "secretaries": secretaries,
            "all_members": status.all_members,
            "quorum_required": status.required,
        },
        "items": [
            {
                "item_id": item.id,
                "position": item.position,
                "title": item.title,
                "speakers": speakers.get(item.id, []),
            }
            for item in meeting.items
        ],
        "votes": [],
        **hooks.record_parts.merged(meeting),
    }
