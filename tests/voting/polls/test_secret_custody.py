"""Custody of a secret vote's key: a worker killed (SIGKILL) mid-vote loses nothing, the
close erases the wrapped key, and `cabinet vote-verify` recounts the published signed list."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid

from sqlalchemy import select, update

from cabinet.db import db
from tests.conftest import ROOT
from tests.voting.polls.helpers import build_session, check_in
from voting.polls import services as polls
from voting.polls.crypto import seal_ballot
from voting.polls.models import Poll, PollKind, SecretBallot, SecretCiphertext

_WORKER = """
import json, os, signal, sys, uuid
from pathlib import Path
from cabinet import create_app
from cabinet.db import db
from cabinet.users.models import User
from meetings.models import Meeting
from tests.conftest import test_environ
from voting.polls import services as polls
from voting.polls.crypto import seal_ballot
from voting.polls.models import Poll, PollKind

args = json.loads(sys.argv[1])
app = create_app(test_environ(Path(args["tmp"])))
with app.app_context():
    meeting = db.session.get(Meeting, args["meeting"])
    chair = db.session.get(User, args["chair"])
    if args["step"] == "first":
        poll = polls.open_poll(meeting, chair, item=None, question="Bầu?", kind=PollKind.SECRET)
        db.session.commit()
    else:
        poll = polls.open_poll_of(meeting)
    for uid, client_id, sealed in args.get("resend", []):
        # The tablet whose cast was in flight resends the same client id and ciphertext.
        polls.cast_vote(poll, db.session.get(User, uid), None, client_id, sealed)
        db.session.commit()
        print("ACK", uid, flush=True)
    for uid, choice in args["casts"]:
        sealed, _ = seal_ballot(poll.public_key, choice)
        polls.cast_vote(poll, db.session.get(User, uid), None, uuid.uuid4().hex, sealed)
        db.session.commit()
        print("ACK", uid, flush=True)  # acked: committed
    if args["step"] == "first":
        # One more cast in flight (flushed, never committed), then the worker dies.
        sealed, _ = seal_ballot(poll.public_key, "abstain")
        print("INFLIGHT", sealed, flush=True)
        polls.cast_vote(poll, db.session.get(User, args["in_flight"]), None, "inflight-1", sealed)
        db.session.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    result = polls.close_poll(poll, chair)
    db.session.commit()
    print("RESULT", json.dumps([result.approve, result.disapprove, result.abstain]), flush=True)
"""


def _worker(app_tmp, **args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", _WORKER, json.dumps({"tmp": str(app_tmp), **args})],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_worker_killed_mid_vote_loses_no_acked_ballot(app, app_tmp, committed_db, make_cabinet):
    cab = make_cabinet(10)
    session = build_session(cab)
    check_in(session.meeting, cab.members)
    db.session.commit()
    ids = [m.id for m in cab.members]
    first = [(ids[i], c) for i, c in enumerate(["approve"] * 4 + ["disapprove"] * 2)]
    common = {"meeting": session.meeting.id, "chair": cab.chair.id}
    died = _worker(app_tmp, step="first", casts=first, in_flight=ids[6], **common)
    assert died.returncode == -signal.SIGKILL, died.stderr[-2000:]
    assert died.stdout.count("ACK") == 6
    db.session.remove()
    assert db.session.scalar(select(Poll).where(Poll.meeting_id == session.meeting.id)).is_open

    in_flight = died.stdout.split("INFLIGHT ", 1)[1].split()[0]
    rest = [(ids[7], "approve"), (ids[8], "disapprove"), (ids[9], "approve")]
    resend = [(ids[6], "inflight-1", in_flight)]
    restarted = _worker(app_tmp, step="second", casts=rest, resend=resend, **common)
    assert restarted.returncode == 0, restarted.stderr[-3000:]
    counts = json.loads(restarted.stdout.split("RESULT", 1)[1])
    # Every acked ballot counted once; the in-flight one, resent after the restart, once too.
    assert counts == [6, 3, 1]
    assert restarted.stdout.count("ACK") == 4
    db.session.remove()
    poll = db.session.scalar(select(Poll).where(Poll.meeting_id == session.meeting.id))
    assert poll.sealed_key is None  # the key is forgotten
    assert (
        db.session.scalar(select(SecretCiphertext).where(SecretCiphertext.poll_id == poll.id))
        is None
    )


def _closed_secret_vote(session, plan):
    check_in(session.meeting, session.cab.members)
    poll = polls.open_poll(
        session.meeting, session.cab.chair, item=None, question="Bầu?", kind=PollKind.SECRET
    )
    tokens = {}
    for member, choice in zip(session.cab.members, plan, strict=False):
        sealed, tokens[member.id] = seal_ballot(poll.public_key, choice)
        polls.cast_vote(poll, member, None, uuid.uuid4().hex, sealed)
    polls.close_poll(poll, session.cab.chair)
    db.session.flush()
    return poll, tokens


def test_vote_verify_matches_then_detects_tampering(app, session):
    plan = ["approve"] * 10 + ["disapprove"] * 5 + ["abstain"] * 2
    poll, tokens = _closed_secret_vote(session, plan)
    published = dict(
        db.session.execute(
            select(SecretBallot.token, SecretBallot.choice).where(SecretBallot.poll_id == poll.id)
        ).all()
    )
    assert set(published) == set(tokens.values())  # every voter finds their token
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["cabinet", "vote-verify", str(poll.id)])
    assert ok.exit_code == 0, ok.output
    assert "MATCH" in ok.output and "MISMATCH" not in ok.output

    victim = next(t for t, c in published.items() if c == "approve")
    db.session.execute(
        update(SecretBallot).where(SecretBallot.token == victim).values(choice="disapprove")
    )
    db.session.flush()
    bad = runner.invoke(args=["cabinet", "vote-verify", str(poll.id)])
    assert bad.exit_code == 1
    assert (
        "MISMATCH" in bad.output and "FAIL signature" in bad.output and "FAIL recount" in bad.output
    )
