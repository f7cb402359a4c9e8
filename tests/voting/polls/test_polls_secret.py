"""A secret vote leaves nothing that links a member to a choice: tables, audit, API, acks."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime

from flask import g
from sqlalchemy import select

from cabinet.audit.models import AuditEntry
from cabinet.db import Base, db
from tests.voting.polls.helpers import check_in
from voting.polls import services as polls
from voting.polls.crypto import seal_ballot
from voting.polls.models import Poll, SecretBallot
from voting.rules import Choice

CHOICES = {c.value for c in Choice}


def strings(value):
    """Every string value (not key) inside a JSON-like structure."""
    if isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings(v)
    elif isinstance(value, str):
        yield value


def without_ballots(value):
    """A payload without its published ballot lists (tokens and choices, no people)."""
    if isinstance(value, dict):
        return {k: without_ballots(v) for k, v in value.items() if k != "ballots"}
    if isinstance(value, list | tuple):
        return [without_ballots(v) for v in value]
    return value


def user_columns(table):
    """Columns of a table that refer to a person."""
    return [
        c for c in table.columns if any(fk.column.table.name == "users" for fk in c.foreign_keys)
    ]


def dump_all_tables():
    """Every row of every table, as the database would dump it."""
    dump = {}
    for table in Base.metadata.sorted_tables:
        dump[table.name] = [dict(row._mapping) for row in db.session.execute(select(table))]
    return dump


def test_secret_vote_links_no_member_to_a_choice(session, join, user_client):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    chair, _ = join(cab.chair, meeting)
    ack = chair.emit(
        "vote.open",
        {
            "meeting_id": meeting.id,
            "item_id": session.items[1].id,
            "question": "Bầu thành viên Hội đồng?",
            "kind": "secret",
        },
        callback=True,
    )
    poll_id = ack["poll"]["id"]
    public_key = ack["poll"]["public_key"]
    plain = chair.emit(
        "vote.cast",
        {"poll_id": poll_id, "choice": "approve", "client_id": uuid.uuid4().hex},
        callback=True,
    )
    assert plain["error"]["code"] == "validation_failed"  # a plain choice never reaches us
    responses = [ack]
    plan = ["approve"] * 15 + ["disapprove"] * 8 + ["abstain"] * 4
    tablets = {}
    for member, choice in zip(cab.members, plan, strict=True):
        tablets[member.id] = sio = chair if member is cab.chair else join(member, meeting)[0]
        client_id = uuid.uuid4().hex
        sealed, _token = seal_ballot(public_key, choice)
        ack = sio.emit(
            "vote.cast",
            {"poll_id": poll_id, "ciphertext": sealed, "client_id": client_id},
            callback=True,
        )
        assert ack["ok"], ack
        assert "choice" not in ack["receipt"]  # the server keeps no voter→choice link
        again = sio.emit(
            "vote.cast",
            {"poll_id": poll_id, "ciphertext": sealed, "client_id": client_id},
            callback=True,
        )
        assert again["receipt"] == ack["receipt"]
        changed = sio.emit(
            "vote.cast",
            {
                "poll_id": poll_id,
                "ciphertext": seal_ballot(public_key, "abstain")[0],
                "client_id": uuid.uuid4().hex,
            },
            callback=True,
        )
        assert changed["error"]["code"] == "vote.already_cast"
        responses += [ack, again, changed]
    poll = db.session.get(Poll, poll_id)
    boxed_before_close = set(db.session.scalars(select(SecretBallot.id)))
    ack = chair.emit("vote.close", {"poll_id": poll_id}, callback=True)
    responses.append(ack)
    result = ack["result"]
    assert (result["approve"], result["disapprove"], result["abstain"]) == (15, 8, 4)
    assert result["choices"] is None and len(result["entitled"]) == 27

    # Every API response and every member's resync state after the vote.
    for person in [*cab.members, cab.admin, cab.secretariat]:
        http = user_client(person)
        for url in (f"/api/v1/polls/{poll_id}", f"/api/v1/polls?meeting_id={meeting.id}"):
            g.pop("_login_user", None)  # see helpers.Tablet
            response = http.get(url)
            if response.status_code == 200:
                responses.append(response.get_json())
        if person.id in tablets:
            responses.append(
                tablets[person.id].emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
            )
            for message in tablets[person.id].get_received():
                responses.append(message["args"])

    # Every member and the secretariat read the vote; the admin is no reader of the meeting.
    assert sum(1 for r in responses if isinstance(r, dict) and "my_cast" in r) == 28
    assert sum(1 for r in responses if isinstance(r, dict) and "polls" in r) >= 27

    # 1. The ballot box has no voter, no time and no sequence; its ids were re-issued at close.
    box = SecretBallot.__table__
    assert user_columns(box) == []
    assert not any(
        isinstance(c.type.python_type, type) and c.type.python_type in (datetime, date)
        for c in box.columns
    )
    ballots = list(db.session.scalars(select(SecretBallot).where(SecretBallot.poll_id == poll_id)))
    assert sorted(b.choice for b in ballots) == sorted(plan)
    assert all(uuid.UUID(b.id).version == 4 for b in ballots)
    assert boxed_before_close.isdisjoint({b.id for b in ballots})

    # 2. No row anywhere holds a person and a choice together (the audit log included).
    dump = dump_all_tables()
    for name, rows in dump.items():
        people = {c.name for c in user_columns(Base.metadata.tables[name])} | {
            "actor_id",
            "actor_name",
        }
        for row in rows:
            values = set(strings(json.loads(json.dumps(row, default=str))))
            if values & CHOICES:
                assert not any(row.get(col) for col in people), (name, row)
    audit = [row for row in dump[AuditEntry.__tablename__] if row["object_id"] == str(poll_id)]
    assert {row["action"] for row in audit} >= {"vote.opened", "vote.cast", "vote.closed"}
    assert all(not (set(strings(row["data"])) & CHOICES) for row in audit)

    # 3. No response (acks, API, resync, broadcasts) carries a choice as a value, but for the
    # published anonymous list of (receipt token, choice), which names nobody.
    leaked = [r for r in responses if set(strings(without_ballots(r))) & CHOICES]
    assert leaked == []

    # 4. Even the counting code path has nothing to join on.
    assert polls.own_cast(poll, cab.members[3]) is not None
    assert "choice" not in polls.own_cast(poll, cab.members[3])
