"""Meetings, their participants, agenda items and papers (with versions, readers and reads).

The state machine of a meeting and the access questions (`can_read`, `can_manage`, ...) live
on the models so that loaders, services and other packages all ask the same thing. Every name
is importable from `meetings.models`.
"""

from meetings.models.agenda import AgendaItem, item_invitees
from meetings.models.calendar import CalendarFeed
from meetings.models.enums import (
    CLASSIFICATION_LABELS,
    FORM_LABELS,
    ITEM_KIND_LABELS,
    KIND_LABELS,
    STATE_LABELS,
    Classification,
    ItemKind,
    MeetingForm,
    MeetingKind,
    MeetingState,
    ParticipantRole,
)
from meetings.models.meeting import (
    EDITABLE_STATES,
    TRANSITIONS,
    InvalidTransition,
    Meeting,
    MeetingLocked,
    MeetingParticipant,
    SessionNotOpen,
    SessionSuspended,
    is_secretariat,
    meeting_with_participant,
    signed_in,
)
from meetings.models.papers import Paper, PaperRead, PaperReader, PaperVersion

__all__ = [
    "CalendarFeed",
    "CLASSIFICATION_LABELS",
    "EDITABLE_STATES",
    "FORM_LABELS",
    "ITEM_KIND_LABELS",
    "KIND_LABELS",
    "STATE_LABELS",
    "TRANSITIONS",
    "AgendaItem",
    "Classification",
    "InvalidTransition",
    "ItemKind",
    "Meeting",
    "MeetingForm",
    "MeetingKind",
    "MeetingLocked",
    "MeetingParticipant",
    "MeetingState",
    "Paper",
    "PaperRead",
    "PaperReader",
    "PaperVersion",
    "ParticipantRole",
    "SessionNotOpen",
    "SessionSuspended",
    "is_secretariat",
    "item_invitees",
    "meeting_with_participant",
    "signed_in",
]
