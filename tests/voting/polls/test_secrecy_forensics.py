"""Forensics of a secret vote: 20 members cast known choices, then an attacker with read access
to everything the server keeps tries every linking method we know. None may link more voters
to their choice than guessing would (about 7 of 20 with this plan; we allow 14).

Runs on SQLite (the database file and its -wal read as bytes) and on PostgreSQL (xmin, ctid
order, pageinspect of dead tuples) with ECABINET_TEST_BACKEND=postgres.
"""

from __future__ import annotations

import json
import logging
import random
import re
import uuid
from pathlib import Path

from flask import g
from sqlalchemy import text

from cabinet.db import Base, db
from tests.voting.polls import forensics as f
from tests.voting.polls.helpers import Tablet, build_session, check_in

CHANCE_LIMIT = 14
PLAN = ["approve"] * 7 + ["disapprove"] * 7 + ["abstain"] * 6
random.Random(11).shuffle(PLAN)


def _tablet(socket_client, user, meeting):
    g.pop("_login_user", None)
    sio = Tablet(socket_client(user))
    assert sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)["ok"]
    return sio


def _cast(sio, poll, choice):
    client_id = uuid.uuid4().hex
    data = {"poll_id": poll["id"], "client_id": client_id}
    if poll.get("public_key"):
        data["ciphertext"], _token = f.encrypt_ballot(poll["public_key"], choice)
    else:
        data["choice"] = choice
    ack = sio.emit("vote.cast", data, callback=True)
    assert ack["ok"], ack
    return ack


def _rows_in_physical_order(table) -> list[str]:
    order = " ORDER BY ctid" if db.is_postgres else ""
    return (
        [r[0] for r in db.session.execute(text(f'SELECT t::text FROM "{table}" t{order}'))]
        if db.is_postgres
        else [
            json.dumps(list(r), default=str)
            for r in db.session.execute(text(f'SELECT * FROM "{table}"'))
        ]
    )


def _count(links: dict[int, str], truth: dict[int, str]) -> int:
    return sum(1 for uid, c in links.items() if truth.get(uid) == c)


def test_no_method_links_voters_to_choices(app, committed_db, make_cabinet, socket_client, caplog):
    caplog.set_level(logging.DEBUG)
    cab = make_cabinet(20)
    session = build_session(cab)
    check_in(session.meeting, cab.members)
    db.session.commit()
    meeting = session.meeting
    sqlite_file = None
    if not db.is_postgres:
        sqlite_file = Path(db.engine.url.database)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    chair = _tablet(socket_client, cab.chair, meeting)
    others = {m.id: _tablet(socket_client, m, meeting) for m in cab.members[1:]}
    tablets = {cab.chair.id: chair, **others}
    opened = chair.emit(
        "vote.open",
        {
            "meeting_id": meeting.id,
            "item_id": session.items[0].id,
            "question": "Bầu?",
            "kind": "secret",
        },
        callback=True,
    )
    assert opened["ok"], opened
    poll = opened["poll"]
    truth: dict[int, str] = {}
    chair_tallies = []
    payloads = [opened]
    for member, choice in zip(cab.members, PLAN, strict=True):
        truth[member.id] = choice
        payloads.append(_cast(tablets[member.id], poll, choice))
        seen = chair.emit("vote.tally", {"poll_id": poll["id"]}, callback=True)  # the console does
        payloads.append(seen)
        chair_tallies.append(seen.get("tally") or {})
    closed = chair.emit("vote.close", {"poll_id": poll["id"]}, callback=True)
    assert closed["ok"], closed
    result = closed["result"]
    assert sorted([result["approve"], result["disapprove"], result["abstain"]]) == [6, 7, 7]
    for sio in tablets.values():
        payloads.extend(m["args"] for m in sio.get_received())
    db.session.remove()

    # The cast order is known anyway (the audit log says who voted, in order).
    voter_order = [
        int(r[0])
        for r in db.session.execute(
            text("SELECT actor_id FROM audit_log WHERE action = 'vote.cast' ORDER BY id")
        )
    ]
    assert sorted(voter_order) == sorted(truth)
    attacks: dict[str, dict[int, str]] = {}

    # Running tally seen by the chair, matched with the audit order.
    attacks["chair tally diffs"] = f.zip_links(voter_order, f.tally_diff_sequence(chair_tallies))
    # Each table read in physical order (SQLite rowid/key order, PostgreSQL ctid).
    for table in Base.metadata.sorted_tables:
        words = []
        for row in _rows_in_physical_order(table.name):
            words += [w for w in re.findall(r"disapprove|approve|abstain", row)]
        attacks[f"physical order of {table.name}"] = f.zip_links(voter_order, words)
    # Any value of a voter's row (client id, receipt) found beside a choice anywhere.
    dump = {t.name: _rows_in_physical_order(t.name) for t in Base.metadata.sorted_tables}
    secret_voter_rows = [r for r in dump.get("poll_secret_voters", [])]
    joined = {}
    for row in secret_voter_rows:
        ids = re.findall(r"[0-9a-f]{32}", row)
        uid = next((u for u in truth if re.search(rf"\b{u}\b", row)), None)
        for rows in dump.values():
            for other in rows:
                if other is not row and any(i in other for i in ids) and (c := f.choice_in(other)):
                    joined[uid] = c
    attacks["voter row values beside a choice"] = joined
    # Server log lines that name a voter and a choice.
    logs = {}
    for record in caplog.records:
        line = record.getMessage() + (str(record.exc_info[1]) if record.exc_info else "")
        c = f.choice_in(line)
        for uid in truth:
            if c and (f"'user_id': {uid}" in line or f"voter_id={uid}" in line):
                logs[uid] = c
    attacks["server log"] = logs
    # Payloads to the chair and the members that carry a voter and a choice together.
    carried = {}
    for payload in payloads:
        blob = json.dumps(payload, default=str)
        for item in re.findall(r"\{[^{}]*\}", blob):
            if (c := f.choice_in(item)) and (
                m := re.search(r'"(?:user_id|voter_id)": (\d+)', item)
            ):
                carried[int(m.group(1))] = c
    attacks["payloads"] = carried

    if sqlite_file is not None:
        wal = sqlite_file.with_name(sqlite_file.name + "-wal")
        attacks["sqlite -wal page images"] = f.zip_links(voter_order, f.wal_choice_sequence(wal))
        raw = sqlite_file.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        words = [m.decode() for m in re.findall(rb"disapprove|approve|abstain", raw)]
        attacks["sqlite bytes in file order"] = f.zip_links(voter_order, words)
    else:
        attacks["postgres xmin join + pageinspect"] = f.pg_xmin_links("poll_secret_voters")

    linked = {name: _count(links, truth) for name, links in attacks.items()}
    assert max(linked.values()) <= CHANCE_LIMIT, {
        k: v for k, v in linked.items() if v > CHANCE_LIMIT
    }
