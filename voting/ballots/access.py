"""Who may do what with a ballot: the loaders every page, API call and socket event calls first.

`load_ballot(id, need=...)` loads (404) and checks access (403) in one step, in the spirit of
flaskr's `get_post(id, check_author=True)`; the services behind assume it was called and only
enforce the ballot's state rules.
"""

from __future__ import annotations

from typing import Literal

from flask_babel import lazy_gettext as _l

from cabinet.db import get_or_404
from cabinet.errors import Forbidden, NotFound
from cabinet.users import current_person
from cabinet.users.models import User
from voting.ballots.answers import response_for
from voting.ballots.models import Ballot, BallotAnswer, BallotStatus, NotARecipient

#: read: recipients once sent, the secretariat and approvers; answer: a voting recipient;
#: manage: the secretariat; approve: the chair or a granted deputy prime minister;
#: conclude: the chair; summary: the summary of opinions and its record (manage/approve/conclude).
BallotNeed = Literal["read", "answer", "manage", "approve", "conclude", "summary"]


def can_read_summary(ballot: Ballot, user: User) -> bool:
    """The secretariat reads the summary of opinions (answers by name) at any time; the chair
    and the approvers only once the ballot is closed, so that nobody who also answers, or
    decides, reads the others' answers while they may still be given or changed."""
    if ballot.can_manage(user):
        return True
    if ballot.status in (BallotStatus.DRAFT, BallotStatus.AWAITING_APPROVAL, BallotStatus.SENT):
        return False
    return ballot.can_conclude(user) or ballot.can_approve(user)


def load_ballot(ballot_id: int, *, need: BallotNeed = "read") -> Ballot:
    """The ballot, if the signed-in person may `need` it; NotFound or Forbidden otherwise."""
    ballot = get_or_404(Ballot, ballot_id)
    user = current_person()
    if need == "read" and not ballot.can_read(user):
        raise Forbidden(_l("Phiếu lấy ý kiến này không được gửi tới bạn."))
    if need == "answer":
        recipient = ballot.recipient(user)
        if recipient is None:
            raise NotARecipient()
        if not recipient.votes:
            raise Forbidden(_l("Bạn nhận phiếu này để biết; phiếu không lấy ý kiến của bạn."))
    if need == "manage" and not ballot.can_manage(user):
        raise Forbidden()
    if need == "approve" and not ballot.can_approve(user):
        raise Forbidden(_l("Chỉ Thủ tướng hoặc Phó Thủ tướng được giao mới duyệt gửi phiếu."))
    if need == "conclude" and not ballot.can_conclude(user):
        raise Forbidden(_l("Chỉ Thủ tướng ghi kết luận phiếu lấy ý kiến."))
    if need == "summary" and not can_read_summary(ballot, user):
        raise Forbidden()
    return ballot


def load_answer_file(ballot_id: int, user_id: int, question_id: int) -> BallotAnswer:
    """A file a member attached to an answer: for that member, the secretariat and the chair."""
    ballot = load_ballot(ballot_id, need="read")
    user = current_person()
    if user.id != user_id and not (ballot.can_manage(user) or ballot.can_conclude(user)):
        raise Forbidden()
    author = get_or_404(User, user_id)
    response = response_for(ballot, author)
    row = response.answer_for(question_id) if response else None
    if row is None or row.file_sha256 is None:
        raise NotFound()
    return row
