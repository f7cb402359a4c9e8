"""The kinds, forms and states of meetings, participants, items and papers, with their labels."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from cabinet import glossary


class MeetingKind(StrEnum):
    REGULAR = "regular"
    THEMATIC = "thematic"
    URGENT = "urgent"


class MeetingForm(StrEnum):
    IN_ROOM = "in_room"
    ONLINE = "online"
    HYBRID = "hybrid"


class MeetingState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    IN_SESSION = "in_session"
    CLOSED = "closed"
    ARCHIVED = "archived"


class ParticipantRole(StrEnum):
    MEMBER = "member"
    INVITEE = "invitee"
    SECRETARIAT = "secretariat"


class ItemKind(StrEnum):
    DECISION = "decision"
    DISCUSSION = "discussion"
    INFORMATION = "information"


class Classification(StrEnum):
    NORMAL = "normal"
    RESTRICTED = "restricted"
    SECRET = "secret"


KIND_LABELS = {
    MeetingKind.REGULAR: _l("Phiên họp thường kỳ"),
    MeetingKind.THEMATIC: _l("Phiên họp chuyên đề"),
    MeetingKind.URGENT: _l("Phiên họp bất thường"),
}
FORM_LABELS = {
    MeetingForm.IN_ROOM: glossary.IN_ROOM,
    MeetingForm.ONLINE: glossary.ONLINE,
    MeetingForm.HYBRID: glossary.HYBRID,
}
STATE_LABELS = {
    MeetingState.DRAFT: glossary.DRAFT,
    MeetingState.PUBLISHED: glossary.PUBLISHED,
    MeetingState.IN_SESSION: glossary.IN_SESSION,
    MeetingState.CLOSED: glossary.MEETING_CLOSED,
    MeetingState.ARCHIVED: glossary.ARCHIVED,
}
ITEM_KIND_LABELS = {
    ItemKind.DECISION: _l("Cho ý kiến quyết định"),
    ItemKind.DISCUSSION: _l("Thảo luận"),
    ItemKind.INFORMATION: _l("Báo cáo, thông tin"),
}
CLASSIFICATION_LABELS = {
    Classification.NORMAL: _l("Thường"),
    Classification.RESTRICTED: _l("Mật"),
    Classification.SECRET: _l("Tối mật"),
}
