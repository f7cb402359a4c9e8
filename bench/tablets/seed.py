"""Build the meeting the tablets bench measures, in a fresh database; print what it made as JSON.

    python bench/tablets/seed.py --database-url sqlite:////tmp/t/ecabinet.db --instance /tmp/t \
        --tablets 500 --history 20 --history-series 0 100 > seed.json

What it makes (every table is dropped and created anew):

* ``tablets`` members, each holding a cabinet seat (they are the voters), one chair (also a
  member, a seat of their own: the console, not a tablet) and one secretariat account; every
  password is ``PASSWORD``, hashed with cheap argon2 parameters so that signing 500 tablets in
  over HTTP is not an argon2 benchmark (the stored hash carries its parameters);
* meeting ``main``: a published, opened session, everybody checked in, a full agenda of
  ``ITEMS`` items with ``PAPERS_PER_ITEM`` PDF papers each (uploaded through the papers
  service, so stored, counted and audited as in production), and ``history`` closed votes of
  all voters;
* one meeting per ``--history-series`` count (``h0``, ``h100``, ...), the same but with that many
  closed votes: the single-join measurement against the number of past votes;
* meeting ``burst``: the same, with no votes yet; the cast bursts and the close rounds happen
  here so that ``main`` keeps exactly ``history`` votes for every join measurement.

The first closed vote of a meeting is made by the real services (open, one cast per voter,
close: the stored result has its 500-entry ``entitled`` and ``choices`` lists). The others are
copied from it row by row in SQL (poll, eligible list, casts, result) with new ids and later
times: the tables ``meeting.join`` reads hold exactly what that many real votes leave (there
are no audit entries for the copies; the join does not read the audit log).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-tablets-password"
ITEMS = 12
PAPERS_PER_ITEM = 2
CHOICES = ("approve", "approve", "disapprove", "abstain")  # a realistic, passing mix


def _pdf(title: str, pages: int = 4) -> bytes:
    """A small PDF with a title and a few pages of text (what an agenda paper looks like)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page in range(1, pages + 1):
        pdf.setFont("Helvetica", 14)
        pdf.drawString(72, 770, title)
        pdf.setFont("Helvetica", 10)
        for line in range(40):
            pdf.drawString(72, 740 - line * 16, f"Page {page}, line {line + 1}: " + "text " * 12)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _users(db, tablets: int) -> dict:
    """The chair, the secretariat and the voting members, with seats and cheap hashes."""
    from argon2 import PasswordHasher

    from cabinet.users.models import CabinetSeat, Role, User, UserRole

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    chair = User(name="Chủ tọa đo tải", email="chair@bench.test", password_hash=cheap)
    chair.role_rows += [UserRole(role=Role.MEMBER), UserRole(role=Role.CHAIR)]
    secretariat = User(name="Văn phòng đo tải", email="secretariat@bench.test", password_hash=cheap)
    secretariat.role_rows.append(UserRole(role=Role.SECRETARIAT))
    members = []
    for n in range(tablets):
        user = User(name=f"Thành viên {n + 1:03d}", email=f"t{n}@bench.test", password_hash=cheap)
        user.role_rows.append(UserRole(role=Role.MEMBER))
        members.append(user)
    db.session.add_all([chair, secretariat, *members])
    db.session.flush()
    db.session.add_all(
        CabinetSeat(member_id=u.id, position=i) for i, u in enumerate([chair, *members])
    )
    db.session.flush()
    return {"chair": chair, "secretariat": secretariat, "members": members}


def _meeting(name: str, people: dict, pdfs: list[bytes]):
    """A published meeting with a full agenda and papers, opened, everybody checked in."""
    from werkzeug.datastructures import FileStorage

    from cabinet.db import db, utcnow
    from meetings import papers, services
    from meetings.live import services as live
    from meetings.live.models import AttendanceMode

    chair, secretariat, members = people["chair"], people["secretariat"], people["members"]
    meeting = services.create_meeting(
        {
            "title": f"Phiên họp Chính phủ thường kỳ (đo tải: {name})",
            "starts_at": utcnow() + timedelta(hours=1),
            "chair_id": chair.id,
            "member_ids": [chair.id] + [u.id for u in members],
        },
        actor=secretariat,
    )
    for i in range(ITEMS):
        item = services.add_item(
            meeting,
            {
                "title": f"Nội dung {i + 1}: Dự án Luật sửa đổi, bổ sung một số điều",
                "planned_minutes": 20,
            },
            actor=secretariat,
        )
        for k in range(PAPERS_PER_ITEM):
            pdf = pdfs[(i * PAPERS_PER_ITEM + k) % len(pdfs)]
            upload = FileStorage(io.BytesIO(pdf), filename=f"to-trinh-{i + 1}-{k + 1}.pdf")
            papers.add_paper(
                item, title=f"Tờ trình {i + 1}.{k + 1}", upload=upload, actor=secretariat
            )
    services.publish_meeting(meeting, actor=secretariat)
    live.open_session(meeting, chair)
    for user in [chair, *members]:
        live.check_in(meeting, user, AttendanceMode.IN_ROOM)
    db.session.commit()
    return meeting


def _real_vote(meeting, people: dict, index: int) -> int:
    """One vote through the services: open, every member casts, close. Returns the poll id."""
    from cabinet.db import db
    from voting.polls import services as polls
    from voting.polls.models import PollKind

    chair, members = people["chair"], people["members"]
    item = meeting.items[index % len(meeting.items)]
    poll = polls.open_poll(
        meeting,
        chair,
        item=item,
        question=f"Biểu quyết thông qua lần {index + 1}?",
        kind=PollKind.OPEN,
    )
    db.session.flush()
    for n, user in enumerate(members):
        polls.cast_vote(poll, user, CHOICES[n % len(CHOICES)], f"seed-{poll.id}-{user.id}")
    polls.close_poll(poll, chair)
    db.session.commit()
    return poll.id


def _copy_vote(template_id: int, item_ids: list[int], count: int) -> None:
    """``count`` more closed votes copied from a real one (new ids, later times, other items)."""
    import sqlalchemy as sa

    from cabinet.db import Base, db

    tables = Base.metadata.tables
    polls, eligible, casts, results = (
        tables["polls"],
        tables["poll_eligible"],
        tables["poll_open_casts"],
        tables["poll_results"],
    )
    template = (
        db.session.execute(sa.select(polls).where(polls.c.id == template_id)).mappings().one()
    )
    for n in range(1, count + 1):
        row = {k: v for k, v in template.items() if k != "id"}
        row["item_id"] = item_ids[n % len(item_ids)]
        row["question"] = f"{template['question']} (#{n + 1})"
        row["opened_at"] = template["opened_at"] + timedelta(minutes=2 * n)
        row["closed_at"] = template["closed_at"] + timedelta(minutes=2 * n)
        new_id = db.session.execute(
            sa.insert(polls).values(**row).returning(polls.c.id)
        ).scalar_one()
        for table in (eligible, casts, results):
            columns = [c for c in table.columns if not (c.primary_key and c.name == "id")]
            names = [c.name for c in columns]
            values = [
                sa.literal(new_id).label("poll_id") if c.name == "poll_id" else c for c in columns
            ]
            db.session.execute(
                sa.insert(table).from_select(
                    names, sa.select(*values).where(table.c.poll_id == template_id)
                )
            )
    db.session.commit()


def seeding_app(database_url: str, instance: Path):
    """The app a seeder writes through: the bench's database and instance, no queue."""
    os.environ.update(
        {
            "ECABINET_DATABASE_URL": database_url,
            "ECABINET_INSTANCE_PATH": str(instance),
            "ECABINET_ASYNC_MODE": "threading",
        }
    )
    os.environ.pop("ECABINET_REDIS_URL", None)  # nothing is emitted to anyone while seeding
    from cabinet import create_app

    return create_app()


def seed(database_url: str, instance: Path, tablets: int, history: int, series: list[int]) -> dict:
    """Create everything; return the ids and e-mails the bench needs."""
    from cabinet.db import db

    app = seeding_app(database_url, instance)
    histories = {"main": history, **{f"h{n}": n for n in series}, "burst": 0}
    made: dict = {"password": PASSWORD, "tablets": tablets, "meetings": {}}
    with app.app_context(), app.test_request_context():
        fresh_schema()
        people = _users(db, tablets)
        db.session.commit()
        pdfs = [_pdf(f"To trinh so {n + 1}", pages=3 + n % 4) for n in range(6)]
        for name, past in histories.items():
            meeting = _meeting(name, people, pdfs)
            item_ids = [i.id for i in meeting.items]
            if past:
                template = _real_vote(meeting, people, 0)
                _copy_vote(template, item_ids, past - 1)
            made["meetings"][name] = {"id": meeting.id, "items": item_ids, "history": past}
            print(f"seeded meeting {name} ({past} closed votes)", file=sys.stderr, flush=True)
        made["chair"] = people["chair"].email
        made["secretariat"] = people["secretariat"].email
        made["members"] = [u.email for u in people["members"]]
        db.session.remove()
        stamp_newest(app)
    return made


def fresh_schema() -> None:
    """Every table dropped and created from the models (in an app context)."""
    from cabinet.db import Base, db

    Base.metadata.drop_all(db.engine)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    Base.metadata.create_all(db.engine)


def stamp_newest(app: Any) -> None:
    """Stamp the schema at the newest migration: ``cabinet init`` (deploy/local.py runs it
    before it starts the workers) then finds nothing to do."""
    from alembic import command

    from cabinet.migrations import alembic_config

    command.stamp(alembic_config(app), "heads")


def main() -> None:
    """Parse the arguments, seed, print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--instance", type=Path, required=True)
    parser.add_argument("--tablets", type=int, default=500)
    parser.add_argument("--history", type=int, default=20)
    parser.add_argument("--history-series", type=int, nargs="*", default=[0, 100])
    args = parser.parse_args()
    series = [n for n in dict.fromkeys(args.history_series) if n != args.history]
    made = seed(args.database_url, args.instance, args.tablets, args.history, series)
    print(json.dumps(made))


if __name__ == "__main__":
    main()
