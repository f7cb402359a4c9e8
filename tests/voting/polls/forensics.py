"""An attacker's toolbox for the secrecy tests: each method reads what the server keeps and
guesses voter → choice. A method "links" a voter when its guess is right."""

from __future__ import annotations

import base64
import json
import secrets
import struct
from pathlib import Path

from sqlalchemy import text

from cabinet.db import Base, db

WORDS = ("disapprove", "approve", "abstain")  # "approve" is inside "disapprove": count that first


def choice_in(data: bytes | str) -> str | None:
    """The choice word a blob of bytes mentions, if exactly one kind."""
    raw = data.encode() if isinstance(data, str) else bytes(data)
    found = {w for w, n in word_counts(raw).items() if n}
    return found.pop() if len(found) == 1 else None


def word_counts(raw: bytes) -> dict[str, int]:
    """How often each choice word occurs in `raw`."""
    dis = raw.count(b"disapprove")
    return {
        "disapprove": dis,
        "approve": raw.count(b"approve") - dis,
        "abstain": raw.count(b"abstain"),
    }


def encrypt_ballot(public_key_b64: str, choice: str) -> tuple[str, str]:
    """What a tablet sends in a secret vote: a sealed box of {choice, token}."""
    from nacl.public import PublicKey, SealedBox  # the redesign's format; absent before

    token = secrets.token_urlsafe(16)
    box = SealedBox(PublicKey(base64.b64decode(public_key_b64)))
    sealed = box.encrypt(json.dumps({"choice": choice, "token": token}).encode())
    return base64.b64encode(sealed).decode(), token


def wal_choice_sequence(wal: Path) -> list[str]:
    """SQLite -wal: successive images of the same page; a page that gained exactly one choice
    word between two images reveals the choice just committed, in commit order."""
    if not wal.exists():
        return []
    raw = wal.read_bytes()
    if len(raw) < 32:
        return []
    page_size = struct.unpack(">I", raw[8:12])[0]
    salt = raw[16:24]
    last: dict[int, dict[str, int]] = {}
    sequence = []
    offset = 32
    while offset + 24 + page_size <= len(raw):
        header = raw[offset : offset + 24]
        page_no = struct.unpack(">I", header[:4])[0]
        page = raw[offset + 24 : offset + 24 + page_size]
        offset += 24 + page_size
        if header[8:16] != salt:
            continue
        counts = word_counts(page)
        before = last.get(page_no)
        last[page_no] = counts
        if before is None:
            continue
        diff = {w: counts[w] - before[w] for w in counts}
        if sorted(diff.values()) == [0, 0, 1]:
            sequence.append(next(w for w, d in diff.items() if d == 1))
    return sequence


def pg_xmin_links(voter_table: str) -> dict[int, str]:
    """PostgreSQL: rows written by the voter's transaction (same xmin) that hold a choice,
    live rows by SELECT and dead ones by pageinspect."""
    voters = dict(db.session.execute(text(f"SELECT xmin::text, voter_id FROM {voter_table}")).all())
    links: dict[int, str] = {}
    for table in Base.metadata.sorted_tables:
        if table.name == voter_table:
            continue
        rows = db.session.execute(text(f'SELECT xmin::text, t::text FROM "{table.name}" t')).all()
        for xmin, row in rows:
            if xmin in voters and (c := choice_in(row)):
                links[voters[xmin]] = c
    for xmin, data in pg_dead_tuples():
        if xmin in voters and (c := choice_in(data)):
            links.setdefault(voters[xmin], c)
    return links


def pg_dead_tuples() -> list[tuple[str, bytes]]:
    """Every tuple image still on the heap pages of every table (pageinspect), dead or alive."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
            conn.commit()
    except Exception:  # no superuser / no contrib: the method is not available
        return []
    found = []
    for table in Base.metadata.sorted_tables:
        pages = db.session.scalar(
            text(
                f"SELECT pg_relation_size('\"{table.name}\"') / current_setting('block_size')::int"
            )
        )
        for n in range(pages or 0):
            rows = db.session.execute(
                text(
                    "SELECT t_xmin::text, t_data FROM heap_page_items("
                    f"get_raw_page('\"{table.name}\"', {n})) WHERE t_data IS NOT NULL"
                )
            ).all()
            found.extend((x, bytes(d)) for x, d in rows)
    return found


def zip_links(voter_order: list[int], choice_order: list[str]) -> dict[int, str]:
    """Pair the i-th voter with the i-th choice (order attacks)."""
    return dict(zip(voter_order, choice_order, strict=False))


def tally_diff_sequence(tallies: list[dict]) -> list[str]:
    """Successive running tallies seen by the chair: each +1 gives the last voter's choice."""
    sequence = []
    previous = {"approve": 0, "disapprove": 0, "abstain": 0}
    for tally in tallies:
        now = {k: int(tally.get(k, 0) or 0) for k in previous}
        diff = [
            k
            for k in now
            if now[k] - previous[k] == 1 and sum(now.values()) - sum(previous.values()) == 1
        ]
        if diff:
            sequence.append(diff[0])
        previous = now
    return sequence
