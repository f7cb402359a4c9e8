"""The content of records, built from what the system recorded.

Minutes content (JSON, stored on :class:`Minutes`)::

    {"meeting": {...}, "chair": person, "secretary": person, "attendance": {...},
     "opening": str, "items": [{"item_id", "position", "title", "ministry", "presenter",
       "papers": [str], "speakers": [{..person, "capacity", "for_member", "summary"}],
       "votes": [{"question", "kind", counts, "passed", "rule_text", "choices"|None}],
       "conclusion": str, "decision": str}], "closing": str}

A record is a Vietnamese legal document, so its text is Vietnamese whatever the reader's language.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cabinet.config import settings
from meetings.live.record import session_record
from meetings.models import Meeting, ParticipantRole

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

#: The editable fields of the minutes, as paths into the content.
EDITABLE_TOP = ("opening", "closing")


def local(moment: datetime | None) -> datetime | None:
    """A stored UTC time in the configured time zone (records show local time)."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(settings().timezone))


def vn_long_date(moment: datetime) -> str:
    """'ngày 5 tháng 3 năm 2026' (Decree 30: day and month < 10 of January/February padded)."""
    day = f"{moment.day:02d}" if moment.day < 10 else str(moment.day)
    month = f"{moment.month:02d}" if moment.month < 3 else str(moment.month)
    return f"ngày {day} tháng {month} năm {moment.year}"


def vn_time(moment: datetime) -> str:
    """'8 giờ 30'."""
    return f"{moment.hour} giờ {moment.minute:02d}"


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


def minutes_content(meeting: Meeting, secretary: Any) -> dict[str, Any]:
    """The generated draft of the minutes of a closed session."""
    record = session_record(meeting)
    starts = local(meeting.opened_at or meeting.starts_at)
    ends = local(meeting.closed_at or meeting.ends_at)
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
                "papers": [p.title for p in item.papers if p.withdrawn_at is None],
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
    return {
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "number": meeting.number or "",
            "place": meeting.place or "",
            "date": starts.date().isoformat() if starts else None,
            "date_text": vn_long_date(starts) if starts else "",
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


# ---- editable fields ----------------------------------------------------------------------


def editable_fields(content: dict[str, Any]) -> dict[str, str]:
    """Every editable text of the minutes by path ('items.2.speakers.0.summary' ...)."""
    fields = {name: content.get(name, "") for name in EDITABLE_TOP}
    for i, item in enumerate(content["items"]):
        for j, speaker in enumerate(item["speakers"]):
            fields[f"items.{i}.speakers.{j}.summary"] = speaker.get("summary", "")
        fields[f"items.{i}.conclusion"] = item.get("conclusion", "")
        fields[f"items.{i}.decision"] = item.get("decision", "")
    return fields


def field_label(content: dict[str, Any], path: str) -> str:
    """A person-readable name of a field: 'Mục 2 — Kết luận của chủ tọa'."""
    parts = path.split(".")
    if parts[0] == "opening":
        return "Phần mở đầu"
    if parts[0] == "closing":
        return "Phần kết thúc"
    item = content["items"][int(parts[1])]
    head = f"Mục {item['position']}"
    if parts[2] == "speakers":
        speaker = item["speakers"][int(parts[3])]
        return f"{head} — Ý kiến của {speaker['name']}"
    return f"{head} — " + {"conclusion": "Kết luận của chủ tọa", "decision": "Quyết định"}[parts[2]]


def apply_fields(content: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """A copy of ``content`` with the given editable fields set (unknown paths are refused)."""
    import copy

    allowed = editable_fields(content)
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise KeyError(unknown)
    result = copy.deepcopy(content)
    for path, value in values.items():
        parts = path.split(".")
        if len(parts) == 1:
            result[parts[0]] = value
        elif parts[2] == "speakers":
            result["items"][int(parts[1])]["speakers"][int(parts[3])]["summary"] = value
        else:
            result["items"][int(parts[1])][parts[2]] = value
    return result


def diff_fields(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Field-level changes between two versions of the minutes."""
    before, after = editable_fields(old), editable_fields(new)
    return [
        {"path": path, "label": field_label(new, path), "old": before.get(path, ""), "new": value}
        for path, value in after.items()
        if before.get(path, "") != value
    ]


# ---- decision records ----------------------------------------------------------------------

SESSION_BASES = [
    "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;",
    "Căn cứ Nghị định số 39/2022/NĐ-CP ngày 18 tháng 6 năm 2022 của Chính phủ ban hành Quy chế "
    "làm việc của Chính phủ;",
]
RECIPIENTS = [
    "Ban Bí thư Trung ương Đảng;",
    "Thủ tướng, các Phó Thủ tướng Chính phủ;",
    "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ;",
    "HĐND, UBND các tỉnh, thành phố trực thuộc trung ương;",
    "Văn phòng Chính phủ: BTCN, các PCN, Cổng TTĐT;",
    "Lưu: VT, TH.",
]
EXECUTION = (
    "Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính phủ, Chủ tịch "
    "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương chịu trách nhiệm thi hành Nghị "
    "quyết này."
)


def _signer(chair: Any) -> dict[str, str]:
    return {
        "capacity": "TM. CHÍNH PHỦ",
        "title": (chair.title or "Thủ tướng").upper() if chair else "THỦ TƯỚNG",
        "name": chair.name if chair else "",
    }


_PERIOD_IN_TITLE = re.compile(r"tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_PERIOD_NUMBER = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{4})\s*$")


def session_period(meeting: Meeting) -> tuple[int, int] | None:
    """The (month, year) a session is for: the October regular session may be held in November.

    From the title ("... tháng 10 năm 2026"), else a regular session's number ("10/2026"),
    else the month it was held in.
    """
    found = _PERIOD_IN_TITLE.search(meeting.title or "")
    if found is None and str(meeting.kind) == "regular":
        found = _PERIOD_NUMBER.match(meeting.number or "")
    if found is not None and 1 <= int(found.group(1)) <= 12:
        return int(found.group(1)), int(found.group(2))
    held = local(meeting.opened_at or meeting.starts_at)
    return (held.month, held.year) if held else None


def session_summary(meeting: Meeting) -> str:
    """The resolution's summary line: the session's own name when it has one
    ("Phiên họp Chính phủ chuyên đề về xây dựng pháp luật tháng 9 năm 2026"), else built."""
    title = " ".join((meeting.title or "").split())
    if title.lower().startswith("phiên họp") and _PERIOD_IN_TITLE.search(title):
        return title
    period = session_period(meeting)
    month_text = f"tháng {period[0]} năm {period[1]}" if period else ""
    return f"Phiên họp Chính phủ {meeting_kind_text(meeting)} {month_text}".strip()


def lower_first(text: str) -> str:
    """Lowercase the first letter of a phrase joined mid-sentence ("Về việc" → "về việc");
    an acronym ("ASEAN", "NQ-CP") keeps its capitals."""
    text = text.strip()
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:] == first[1:].lower() and first[0].isupper():
        return text[0].lower() + text[1:]
    return text


def decision_title(summary: str) -> str:
    """'Nghị quyết' joined with the summary, as one line."""
    return f"Nghị quyết {lower_first(summary)}".strip()[:500]


def resolution_content(meeting: Meeting, minutes_content_: dict[str, Any] | None) -> dict[str, Any]:
    """The resolution of a session: one article per item with a decision or conclusion."""
    articles = []
    items = (minutes_content_ or {}).get("items") or [
        {"title": item.title, "decision": "", "conclusion": "", "votes": []}
        for item in meeting.items
    ]
    for item in items:
        text = (item.get("decision") or item.get("conclusion") or "").strip()
        passed = [v for v in item.get("votes", []) if v["passed"]]
        if not text and passed:
            text = f"Thông qua {passed[0]['question'].rstrip('?').strip()}."
        if text:
            articles.append({"heading": f"Về {item['title']}", "text": text})
    articles.append({"heading": "Tổ chức thực hiện", "text": EXECUTION})
    return {
        "issuer": "CHÍNH PHỦ",
        "place": "Hà Nội",
        "type_name": "NGHỊ QUYẾT",
        "summary": session_summary(meeting),
        "bases": [
            *SESSION_BASES,
            "Trên cơ sở thảo luận của các Thành viên Chính phủ và kết luận của chủ tọa tại "
            f"{meeting.title},",
        ],
        "articles": articles,
        "signer": _signer(meeting.chair),
        "recipients": RECIPIENTS,
    }


def meeting_kind_text(meeting: Meeting) -> str:
    """'thường kỳ', 'chuyên đề' or 'bất thường'."""
    return {"regular": "thường kỳ", "thematic": "chuyên đề", "urgent": "bất thường"}.get(
        str(meeting.kind), ""
    )


def ballot_decision_content(record: dict[str, Any], chair: Any) -> dict[str, Any]:
    """The decision of a concluded opinion ballot, from ``ballot_record(ballot)``."""
    conclusion = record.get("conclusion") or {}
    articles = [{"heading": "", "text": conclusion.get("text") or record["title"]}]
    for question in record["questions"]:
        counts = question["counts"]
        articles.append(
            {
                "heading": f"Kết quả lấy ý kiến về câu hỏi {question['position']}",
                "text": (
                    f"{question['text']} — Đồng ý: {counts.get('agree', 0)}; không đồng ý: "
                    f"{counts.get('disagree', 0)}; ý kiến khác: {counts.get('other', 0)}; không "
                    f"trả lời: {counts.get('no_reply', 0)}. {question['outcome_text']}"
                ),
            }
        )
    articles.append({"heading": "Tổ chức thực hiện", "text": EXECUTION})
    return {
        "issuer": "CHÍNH PHỦ",
        "place": "Hà Nội",
        "type_name": "NGHỊ QUYẾT",
        "summary": record["title"],
        "bases": [
            *SESSION_BASES,
            "Căn cứ kết quả biểu quyết của các Thành viên Chính phủ bằng phiếu lấy ý kiến,",
        ],
        "articles": articles,
        "signer": _signer(chair),
        "recipients": RECIPIENTS,
        "ballot_outcome": conclusion.get("outcome"),
    }
