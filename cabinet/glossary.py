"""One vocabulary for the whole interface: the labels of states and formats every template and
enum uses (docs/glossary.md lists them in Vietnamese and English).

A label that means the same thing is written once, here; the enums (`meetings.models.enums`,
`voting.ballots.models`) and the `badge` macro read it, so a meeting is never "Dự thảo" on one
page and "Bản nháp" on the next.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

DRAFT = _l("Dự thảo")
PUBLISHED = _l("Đã công bố")
IN_SESSION = _l("Đang họp")
SUSPENDED = _l("Tạm dừng")
MEETING_CLOSED = _l("Đã bế mạc")
ARCHIVED = _l("Đã lưu trữ")
BALLOT_CLOSED = _l("Đã kết thúc lấy ý kiến")

IN_ROOM = _l("Họp tập trung")
ONLINE = _l("Họp trực tuyến")
HYBRID = _l("Họp tập trung kết hợp trực tuyến")

#: The words the glossary page lists, in order (name in docs/glossary.md → label).
TERMS = {
    "DRAFT": DRAFT,
    "PUBLISHED": PUBLISHED,
    "IN_SESSION": IN_SESSION,
    "SUSPENDED": SUSPENDED,
    "MEETING_CLOSED": MEETING_CLOSED,
    "ARCHIVED": ARCHIVED,
    "BALLOT_CLOSED": BALLOT_CLOSED,
    "IN_ROOM": IN_ROOM,
    "ONLINE": ONLINE,
    "HYBRID": HYBRID,
}

#: Words the glossary retired: no template or module may use them as a label any more.
RETIRED = ("Bản nháp", "Tại phòng họp và trực tuyến", "Tập trung kết hợp trực tuyến")


def office(person: object) -> str:
    """A person's title and ministry in one line ("Bộ trưởng, Bộ Tư pháp"; "Thủ tướng Chính phủ"
    when the title already names the office). `person` is a User or a dict with those keys."""
    get = (
        person.get
        if isinstance(person, dict)
        else lambda key, default="": getattr(person, key, default)
    )
    title = (get("title", "") or "").strip()
    ministry = (get("ministry", "") or "").strip()
    if not ministry or ministry in title:
        return title
    if not title:
        return ministry
    return f"{title}, {ministry}"
