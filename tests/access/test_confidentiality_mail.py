"""The confidentiality sweep, e-mail part: every e-mail the system sends while a session with a
secret paper and a restricted item runs its course (publication, session, minutes circulated
and commented) and while a ballot goes out to some members (sending notice, reminders, the close)
is received by a real SMTP server (aiosmtpd); no e-mail to a person carries a marker of
something that person may not see."""

from __future__ import annotations

from datetime import timedelta

from cabinet.db import db, utcnow
from cabinet.mail import deliver_outbox
from cabinet.tick import run_tick
from meetings.live import services as live
from records import services as records
from voting.ballots import notices
from voting.ballots import services as ballots

from . import test_confidentiality_sweep as sweep

ITEM_MARK, PAPER_MARK = sweep.ITEM_MARK, sweep.PAPER_MARK
world = sweep.world  # the page sweep's session: a secret paper, a restricted item
BALLOT_MARK = "BALLOTMARK-5081"


def _mail_text(received) -> str:
    parts = [received.subject]
    for part in received.message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts)


def test_no_email_carries_a_marker_to_someone_who_may_not_see_it(app, world, smtp_server):
    s, paper = world
    cab = s.cab
    meeting, restricted = s.meeting, s.items[2]
    live.set_current_item(meeting, cab.chair, restricted)
    db.session.commit()
    live.close_session(meeting, cab.chair)
    minutes = records.ensure_minutes(meeting, cab.secretariat)
    records.circulate_minutes(minutes, actor=cab.secretariat)
    records.add_comment(minutes, cab.members[1], item_id=restricted.id, text=f"Sửa {ITEM_MARK}")
    db.session.commit()

    # A ballot for two members only (one votes, one is informed): the others may not read it.
    voter, informed = cab.members[1], cab.members[3]
    ballot = ballots.create_ballot(
        title=f"Dự thảo Nghị định {BALLOT_MARK}",
        background=f"Thuyết minh {BALLOT_MARK}",
        questions=[f"Đồng ý với phương án {BALLOT_MARK}?"],
        by=cab.secretariat,
        deadline=utcnow() + timedelta(days=3),
        voter_ids=[voter.id],
        info_ids=[informed.id],
    )
    ballots.submit_for_approval(ballot, by=cab.secretariat)
    ballots.approve_ballot(ballot, by=cab.chair)
    db.session.commit()
    notices.remind_member(ballot, voter, by=cab.secretariat)
    db.session.commit()
    run_tick(ballot.deadline - timedelta(hours=3))  # the automatic reminders fall due
    run_tick(ballot.deadline + timedelta(minutes=1))  # the ballot closes at its deadline
    deliver_outbox()

    # Who may not see what (as in the page sweep), plus everyone the ballot was not sent to.
    may_not = {
        cab.invitee: {PAPER_MARK, ITEM_MARK, BALLOT_MARK},
        cab.members[2]: {PAPER_MARK, BALLOT_MARK},
        cab.admin: {PAPER_MARK, ITEM_MARK, BALLOT_MARK},
        cab.deputies[0]: {PAPER_MARK, BALLOT_MARK},
        voter: {PAPER_MARK},
        informed: {PAPER_MARK},
    }
    leaks = []
    for person, marks in may_not.items():
        for received in smtp_server.to(person.email):
            text = _mail_text(received)
            leaks += [
                f"{person.email}: {received.subject!r} carries {m}" for m in marks if m in text
            ]
    assert not leaks, "\n".join(leaks)
    # The sweep really looked: the ballot's own recipients got it, marker and all.
    assert any(BALLOT_MARK in _mail_text(m) for m in smtp_server.to(voter.email))
    assert any(BALLOT_MARK in _mail_text(m) for m in smtp_server.to(informed.email))
    assert len(smtp_server.messages) >= 3
