"""The generated draft of the minutes of a closed session, from its session record."""

from __future__ import annotations

from typing import Any

from cabinet.dates import decree30_date, local, vn_time
from meetings.live.record import session_record
from meetings.models import Classification, Meeting, Paper, ParticipantRole
from records.compose.text import plain_tree

CAPACITY_TEXT = {
    "chair": "Chủ tọa",
    "member": "Thành viên Chính phủ",
    "deputy": "Dự thay",
    "invitee": "Khách mời",
}
CHOICE_TEXT = {
    "approve": "Tán thành",
    "disapprove": "Không tán thành",
    "abstain": "Không biểu quyết",
}
BASE_TEXT = {
    "all_members": "tổng số Thành viên Chính phủ",
    "present": "số Thành viên có mặt",
    "votes_cast": "số phiếu biểu quyết",
}
THRESHOLD_TEXT = {"simple_majority": "quá nửa", "two_thirds": "ít nhất hai phần ba"}
TIE_TEXT = "số tán thành và không tán thành bằng nhau, quyết định theo biểu quyết của chủ tọa"
KIND_TEXT = {"open": "biểu quyết công khai", "secret": "bỏ phiếu kín"}


def rule_text(rule: dict[str, Any]) -> str:
    """'quá nửa tổng số Thành viên Chính phủ tán thành'."""
    threshold = THRESHOLD_TEXT.get(rule.get("threshold", ""), rule.get("threshold", ""))
    base = BASE_TEXT.get(rule.get("base", ""), rule.get("base", ""))
    return f"{threshold} {base} tán thành"


def outcome_sentence(vote: dict[str, Any]) -> str:
    """'Thông qua: 20/27 tán thành (cần tối thiểu 14).'"""
    verdict = "Thông qua" if vote["passed"] else "Không thông qua"
    text = (
        f"{verdict}: {vote['approve']}/{vote['base']} tán thành (cần tối thiểu {vote['required']})"
    )
    if vote.get("decided_by") == "chair_tie":
        text += f"; {TIE_TEXT}"
    return text + "."


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "id": user.id,
        "name": user.name,
        "title": user.title or "",
        "ministry": user.ministry or "",
    }


def default_secretary(meeting: Meeting, fallback: Any = None) -> Any:
    """The secretariat participant named for the meeting, else whoever drafts the minutes."""
    for part in meeting.participants:
        if part.role == ParticipantRole.SECRETARIAT:
            return part.user
    return fallback


#: The minutes are a Vietnamese record (Decree 30) whatever the reader's language.
_CLASSIFIED_AS = {Classification.RESTRICTED: "Mật", Classification.SECRET: "Tối mật"}


def paper_line(paper: Paper) -> str:
    """How the minutes name a paper: its title, or for a classified paper its grade and register
    reference only. The signed minutes go to every member, and a classified paper's title
    (its "trích yếu") is itself part of the secret; the named readers find it by reference."""
    if not paper.is_classified:
        return paper.title
    return f"Tài liệu {_CLASSIFIED_AS[Classification(paper.classification)]} số {paper.reference}"


def minutes_content(meeting: Meeting, secretary: Any) -> dict[str, Any]:
    """The generated draft of the minutes of a closed session."""
    record = session_record(meeting)
    starts = meeting.opened_at or meeting.starts_at
    ends = meeting.closed_at or meeting.ends_at
    votes_by_item: dict[int | None, list[dict[str, Any]]] = {}
    for vote in record["votes"]:
        votes_by_item.setdefault(vote["item_id"], []).append(_vote(vote))
    items = []
    by_id = {item.id: item for item in meeting.items}
    for entry in record["items"]:
        item = by_id[entry["item_id"]]
        items.append(
            {
                "item_id": item.id,
                "position": item.position,
                "title": item.title,
                "ministry": item.ministry or "",
                "presenter": item.presenter or "",
                "papers": [paper_line(p) for p in item.papers if p.withdrawn_at is None],
                "speakers": [
                    {
                        "id": s["id"],
                        "name": s["name"],
                        "title": s.get("title") or "",
                        "ministry": s.get("ministry") or "",
                        "capacity": CAPACITY_TEXT.get(s["capacity"], s["capacity"]),
                        "for_member": s.get("for_member"),
                        "summary": "",
                    }
                    for s in entry["speakers"]
                ],
                "votes": votes_by_item.get(item.id, []),
                "conclusion": "",
                "decision": "",
            }
        )
    attendance = record["attendance"]
    return plain_tree(
        {
            "meeting": {
                "id": meeting.id,
                "title": meeting.title,
                "number": meeting.number or "",
                "place": meeting.place or "",
                "date": local(starts).date().isoformat() if starts else None,
                "date_text": decree30_date(starts),
                "start_text": vn_time(starts) if starts else "",
                "end_text": vn_time(ends) if ends else "",
            },
            "chair": record["chair"],
            "secretary": _person(secretary),
            "attendance": {
                "all_members": attendance["all_members"],
                "quorum_required": attendance["quorum_required"],
                "present": [_trim(p) for p in attendance["present"]],
                "absent": [_trim(p) for p in attendance["absent"]],
                "deputies": [
                    {"deputy": _trim(d["deputy"]), "for": _trim(d["for"]), "present": d["present"]}
                    for d in attendance["deputies"]
                ],
                "invitees": [_trim(p) for p in attendance["invitees"] if p],
            },
            "general_votes": votes_by_item.get(None, []),
            "opening": "",
            "items": items,
            "closing": "",
        }
    )


def _trim(person: dict[str, Any] | None) -> dict[str, Any] | None:
    if person is None:
        return None
    keep = ("id", "name", "title", "ministry", "mode", "with_leave", "reason")
    return {k: person[k] for k in keep if k in person}


def _vote(vote: dict[str, Any]) -> dict[str, Any]:
    secret = vote["kind"] == "secret"
    return {
        "poll_id": vote["poll_id"],
        "question": vote["question"],
        # The prepared motion (or amendment) the vote was opened on: "Dự thảo kết luận 1".
        "motion": vote.get("motion_label") or "",
        "kind": vote["kind"],
        "kind_text": KIND_TEXT.get(vote["kind"], vote["kind"]),
        "approve": vote["approve"],
        "disapprove": vote["disapprove"],
        "abstain": vote["abstain"],
        "not_voted": vote["not_voted"],
        "eligible": vote["eligible"],
        "base": vote["base"],
        "required": vote["required"],
        "passed": vote["passed"],
        "decided_by": vote["decided_by"],
        "rule_text": rule_text(vote["rule"]),
        "outcome_text": outcome_sentence(vote),
        # Secret votes carry counts only: nothing that links a member to a choice exists.
        "choices": None
        if secret
        else [
            {"name": c["name"], "choice": c["choice"], "choice_text": CHOICE_TEXT[c["choice"]]}
            for c in vote.get("choices") or []
        ],
    }
