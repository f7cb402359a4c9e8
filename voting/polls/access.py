"""Who may do what with a vote: the loaders every socket handler and API view calls first.

`load_poll(id, need=...)` loads (404) and checks access (403) in one step, in the spirit of
flaskr's `get_post(id, check_author=True)`; the services behind assume it was called and only
enforce the vote's state rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cabinet.dates import local
from cabinet.db import db, get_or_404
from cabinet.errors import Forbidden, NotFound
from cabinet.memo import BoundedMemo
from cabinet.realtime import on_commit
from cabinet.users import current_person
from cabinet.users.models import Role, User
from meetings.live import services as live
from meetings.models import AgendaItem, Meeting
from meetings.motions.models import Motion
from voting.polls.models import Poll, PollEligible

PollNeed = Literal["read", "vote", "chair"]

#: Who may vote in a poll is frozen when it opens (`lifecycle.open_poll` writes the list once):
#: read once per process and poll, not once per cast. Keyed by the opening time too, so a poll
#: id given again (a restored or rolled-back database) is a new key.
_ELIGIBLE: BoundedMemo[frozenset[int]] = BoundedMemo(64)


_WITH_SUBJECT = (joinedload(Poll.meeting), joinedload(Poll.item))


class NotEligible(Forbidden):
    """The person may not vote in this poll."""

    code = "vote.not_eligible"


def can_read_poll(poll: Poll, user: User) -> bool:
    """Readers of the meeting, and of the item when the vote is about a restricted one."""
    return poll.meeting.can_read(user) and (poll.item is None or poll.item.can_read(user))


def load_poll(poll_id: int, *, need: PollNeed = "read") -> Poll:
    """The poll, if the signed-in person may `need` it: read it, vote in it, or chair it."""
    # Reading or chairing checks (and then announces to) the meeting and the item: loaded with
    # the vote, in its statement. A cast needs neither (and finds the vote in its batch).
    poll = get_or_404(Poll, poll_id, options=() if need == "vote" else _WITH_SUBJECT)
    user = current_person()
    if need == "read" and not can_read_poll(poll, user):
        raise Forbidden()
    # Only while open: a closed vote refuses everyone alike (VotingClosed, from the service).
    # The frozen eligible list, read once per vote (`eligible_voters`): this runs for every cast.
    if need == "vote" and poll.is_open and user.id not in eligible_voters(poll):
        _refuse_not_eligible(poll, user)
    if need == "chair" and not poll.meeting.can_chair(user):
        raise Forbidden(_l("Chỉ chủ tọa kết thúc biểu quyết."))
    return poll


def remember_eligible(poll: Poll, voter_ids: Iterable[int]) -> None:
    """Keep the list a vote opens with for its casts, once the opening is committed: the first
    cast of a burst, which every other waits behind, then reads nothing (another worker reads
    the list at its first cast)."""
    key, ids = (poll.id, poll.opened_at), frozenset(voter_ids)
    on_commit(lambda: _ELIGIBLE.get_or_build(key, lambda: ids))


def eligible_voters(poll: Poll) -> frozenset[int]:
    """The ids of the members entitled to vote in `poll` (an open one: its list is final)."""
    return _ELIGIBLE.get_or_build(
        (poll.id, poll.opened_at),
        lambda: frozenset(
            db.session.scalars(select(PollEligible.user_id).where(PollEligible.poll_id == poll.id))
        ),
    )


def load_vote_subject(meeting_id: int, item_id: int | None) -> tuple[Meeting, AgendaItem | None]:
    """The meeting (and item) the chair opens a vote on; only the chair may."""
    meeting = get_or_404(Meeting, meeting_id)
    item = None
    if item_id is not None:
        item = get_or_404(AgendaItem, item_id)
        if item.meeting_id != meeting.id:
            raise NotFound()
    if not meeting.can_chair(current_person()):
        raise Forbidden(_l("Chỉ chủ tọa mở biểu quyết."))
    return meeting, item


def load_motion_of(item: AgendaItem | None, motion_id: int | None) -> Motion | None:
    """The prepared motion (of `item`) a vote is opened on; None when the chair typed one."""
    if motion_id is None:
        return None
    motion = get_or_404(Motion, motion_id)
    if item is None or motion.item_id != item.id:
        raise NotFound()
    return motion


def load_readable_meeting(meeting_id: int) -> Meeting:
    """A meeting whose votes the signed-in person may list."""
    meeting = get_or_404(Meeting, meeting_id)
    if not meeting.can_read(current_person()):
        raise Forbidden()
    return meeting


def ineligibility(meeting: Meeting, poll: Poll, user: User) -> str | None:
    """Why `user` may not vote in the open `poll`, for the tablet to say so before any tap:
    "deputy", "invitee", "not_member", "late" (arrived after it opened), "absent"; None if they may.
    """
    if poll.can_vote(user):
        return None
    is_member = live.is_member(user)
    if live.deputy_seat_for(meeting, user) is not None or (
        user.has_role(Role.DEPUTY) and not is_member
    ):
        return "deputy"
    if not is_member:
        if user.has_role(Role.INVITEE) or (
            (part := meeting.participant(user)) is not None and str(part.role) == "invitee"
        ):
            return "invitee"
        return "not_member"
    row = live.attendance_of(meeting, user.id)
    return "late" if row is not None and row.is_present else "absent"


def _refuse_not_eligible(poll: Poll, user: User) -> None:
    reason = ineligibility(poll.meeting, poll, user)
    if reason == "deputy":
        raise NotEligible(_l("Người dự thay không có quyền biểu quyết."))
    if reason == "invitee":
        raise NotEligible(_l("Khách mời không có quyền biểu quyết."))
    if reason == "not_member":
        raise NotEligible(_l("Chỉ thành viên Chính phủ có quyền biểu quyết."))
    if reason == "late":
        raise NotEligible(
            _l("Bạn không có quyền biểu quyết lần này vì có mặt sau khi mở biểu quyết.")
        )
    raise NotEligible(
        _l(
            "Bạn không có trong danh sách biểu quyết: danh sách được chốt theo các thành viên "
            "có mặt lúc mở biểu quyết (%(time)s).",
            time=local(poll.opened_at).strftime("%H:%M:%S"),
        )
    )
