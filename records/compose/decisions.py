"""The content of decision records: a session's resolution and an opinion ballot's decision,
in the Decree 30/2020 layout (bases, numbered articles, signer, recipients)."""

from __future__ import annotations

import re
from typing import Any

from cabinet.dates import decree30_date, local
from meetings.models import Meeting
from records.compose.text import plain_text, plain_tree

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


ISSUER = "CHÍNH PHỦ"


def signer_title(title: str | None, issuer: str = ISSUER) -> str:
    """The signer's title under "TM. <issuer>": Decree 30's form reads "THỦ TƯỚNG", the body's
    name is already in the capacity line ("Thủ tướng Chính phủ" → "THỦ TƯỚNG")."""
    title = " ".join((title or "Thủ tướng").split()).upper()
    suffix = f" {issuer}"
    if title.endswith(suffix) and len(title) > len(suffix):
        title = title[: -len(suffix)]
    return title


def _signer(chair: Any) -> dict[str, str]:
    return {
        "capacity": f"TM. {ISSUER}",
        "title": signer_title(chair.title if chair else None),
        "name": chair.name if chair else "",
    }


def session_basis(meeting: Meeting) -> str:
    """The "Trên cơ sở..." basis: the session by name and the date it was held."""
    held = meeting.opened_at or meeting.starts_at
    when = f" {decree30_date(held)}" if held else ""
    return (
        "Trên cơ sở thảo luận của các Thành viên Chính phủ và kết luận của chủ tọa tại "
        f"{' '.join((meeting.title or '').split())}{when},"
    )


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
    held = meeting.opened_at or meeting.starts_at
    return (local(held).month, local(held).year) if held else None


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
    return plain_tree(
        {
            "issuer": "CHÍNH PHỦ",
            "place": "Hà Nội",
            "type_name": "NGHỊ QUYẾT",
            "summary": session_summary(meeting),
            "bases": [
                *SESSION_BASES,
                session_basis(meeting),
            ],
            "articles": articles,
            "signer": _signer(meeting.chair),
            "recipients": RECIPIENTS,
        }
    )


def meeting_kind_text(meeting: Meeting) -> str:
    """'thường kỳ', 'chuyên đề' or 'bất thường'."""
    return {"regular": "thường kỳ", "thematic": "chuyên đề", "urgent": "bất thường"}.get(
        str(meeting.kind), ""
    )


def ballot_decision_content(record: dict[str, Any], chair: Any) -> dict[str, Any]:
    """The decision of a concluded opinion ballot, from ``ballot_record(ballot)``."""
    conclusion = record.get("conclusion") or {}
    # The conclusion is sanitized HTML from the ballot page: the record carries its text.
    articles = [{"heading": "", "text": plain_text(conclusion.get("text")) or record["title"]}]
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
    return plain_tree(
        {
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
    )
