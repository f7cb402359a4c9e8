"""Thirty members cast at the same instant, each twice: thirty votes stored, the result right.

Real commits from parallel threads (the `committed_db` fixture); on PostgreSQL when
ECABINET_TEST_DATABASE_URL / ECABINET_TEST_BACKEND=postgres are set, else on SQLite. Each cast
runs as the `vote.cast` socket event runs it: the cast service inside `run_unit_of_work`, which
commits and starts again from a fresh snapshot when SQLite answers "database is locked".
"""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cabinet.db import db, run_unit_of_work, utcnow
from cabinet.group_commit import GroupCommit
from cabinet.users.models import CabinetSeat, Role, User
from meetings.live import services as live
from meetings.live.models import AttendanceMode
from meetings.models import Meeting, MeetingParticipant, MeetingState, ParticipantRole
from voting.polls import services as polls
from voting.polls.models import OpenCast, Poll, PollKind


def _cabinet(n: int, password_hash: str) -> list[int]:
    users = []
    for i in range(n):
        user = User(
            name=f"Thành viên {i + 1}", email=f"conc{i}@ecabinet.test", password_hash=password_hash
        )
        user.set_roles({Role.MEMBER} | ({Role.CHAIR} if i == 0 else set()))
        users.append(user)
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all(CabinetSeat(member_id=u.id, position=i) for i, u in enumerate(users))
    return [u.id for u in users]


@pytest.mark.parametrize("unit_of_work", ["alone", "group commit"])
def test_thirty_parallel_casts_plus_thirty_duplicates(
    app, committed_db, password_hash, unit_of_work
):
    """Each cast alone (`run_unit_of_work`) or batched as `vote.cast` batches them
    (`cabinet.group_commit`): same receipts, nothing lost or doubled."""
    batcher = GroupCommit()
    run = run_unit_of_work if unit_of_work == "alone" else batcher.run
    ids = _cabinet(30, password_hash)
    meeting = Meeting(
        title="Phiên họp",
        starts_at=utcnow() + timedelta(hours=1),
        chair_id=ids[0],
        state=MeetingState.PUBLISHED,
    )
    meeting.participants.extend(
        MeetingParticipant(user_id=i, role=ParticipantRole.MEMBER) for i in ids
    )
    db.session.add(meeting)
    db.session.flush()
    chair = db.session.get(User, ids[0])
    live.open_session(meeting, chair)
    for uid in ids:
        live.check_in(meeting, db.session.get(User, uid), AttendanceMode.IN_ROOM)
    poll = polls.open_poll(meeting, chair, item=None, question="Thông qua?", kind=PollKind.OPEN)
    db.session.commit()
    poll_id = poll.id
    db.session.remove()

    choices = {
        uid: ("approve" if n < 20 else "disapprove" if n < 27 else "abstain")
        for n, uid in enumerate(ids)
    }
    client_ids = {uid: uuid.uuid4().hex for uid in ids}
    jobs = [(uid, choices[uid], client_ids[uid]) for uid in ids] * 2  # every cast sent twice
    barrier = threading.Barrier(len(jobs))
    receipts: dict[int, list[dict]] = {uid: [] for uid in ids}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def cast(uid: int, choice: str, client_id: str) -> None:
        with app.app_context():
            try:
                barrier.wait()
                user = db.session.get(User, uid)
                receipt = run(
                    lambda: polls.cast_vote(db.session.get(Poll, poll_id), user, choice, client_id)
                )
                with lock:
                    receipts[uid].append(receipt.as_dict())
            except BaseException as error:  # collected and asserted below
                db.session.rollback()
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=cast, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    # Each cast was acknowledged twice with the same receipt.
    assert all(len(r) == 2 and r[0] == r[1] for r in receipts.values())
    assert db.session.scalar(select(func.count()).select_from(OpenCast)) == 30
    poll = db.session.get(Poll, poll_id)
    result = polls.close_poll(poll, db.session.get(User, ids[0]))
    db.session.commit()
    assert (result.approve, result.disapprove, result.abstain, result.not_voted) == (20, 7, 3, 0)
    assert result.passed and result.decided_by == "majority"
    if unit_of_work == "group commit":
        assert batcher.stats.units == 60
