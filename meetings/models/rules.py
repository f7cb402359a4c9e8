"""Who may see an agenda item and a paper: the rules written once, over plain facts.

The models' `AgendaItem.can_read` and `Paper.can_see` ask these with their loaded rows; a join
asks them with the agenda's facts read as plain rows (`meetings.agenda_facts`), so building the
ORM graph of a whole agenda is not needed to decide what a person sees. Meeting-level questions
(`can_read`, `has_member_access`, `participant`) stay on the `Meeting` row, which both have.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from meetings.models.enums import ParticipantRole
from meetings.models.meeting import signed_in

if TYPE_CHECKING:
    from meetings.models.meeting import Meeting


def item_readable(
    meeting: Meeting, restricted: bool, invitee_ids: Collection[int], user: Any
) -> bool:
    """May `user` see an item (restricted or not, with these item invitees) and its normal
    papers? The cabinet sees every item; an item's own invitees see it; whole-meeting
    invitees see every item except the restricted ones."""
    if not meeting.can_read(user):
        return False
    if meeting.has_member_access(user) or getattr(user, "id", None) in invitee_ids:
        return True
    part = meeting.participant(user)
    return part is not None and part.role == ParticipantRole.INVITEE and not restricted


def paper_visible(
    meeting: Meeting,
    classified: bool,
    reader_ids: Collection[int],
    item_is_readable: Callable[[], bool],
    user: Any,
) -> bool:
    """May `user` know that a paper exists? The secretariat always; a classified paper only
    its named readers (who may read the meeting); a normal one whoever reads its item."""
    if meeting.can_manage(user):
        return True
    if classified:
        return signed_in(user) and meeting.can_read(user) and user.id in reader_ids
    return item_is_readable()
