"""Build the meetings the cluster bench measures, in a fresh database; print what it made as JSON.

    python bench/cluster/seed.py --database-url postgresql://postgres@127.0.0.1/test_cluster \
        --instance /tmp/c --tablets 2000 --meetings 8 > seed.json

``tablets`` member accounts (a cabinet seat each) split into ``meetings`` meetings in session
(≈ tablets / meetings members each: a meeting's members are its tablets), with one chair and
one secretariat account. Each meeting is built as bench/tablets/seed.py builds its ``main``
meeting (a full agenda with papers, published, opened, everybody checked in), by its code;
no votes. The schema is created from the models and stamped at the newest migration, so
``cabinet init`` (which deploy/local.py runs before starting the workers) finds nothing to do.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.tablets import seed as tablets_seed  # noqa: E402


def split(n: int, parts: int) -> list[tuple[int, int]]:
    """``n`` items in ``parts`` contiguous ranges [start, end) whose sizes differ by at most 1."""
    bounds = [round(k * n / parts) for k in range(parts + 1)]
    return list(zip(bounds, bounds[1:], strict=False))


def seed(database_url: str, instance: Path, tablets: int, meetings: int) -> dict:
    """Create everything; return the ids and e-mails the bench needs."""
    from cabinet.db import db

    app = tablets_seed.seeding_app(database_url, instance)
    made: dict = {"password": tablets_seed.PASSWORD, "tablets": tablets, "meetings": []}
    with app.app_context(), app.test_request_context():
        tablets_seed.fresh_schema()
        people = tablets_seed._users(db, tablets)
        db.session.commit()
        pdfs = [tablets_seed._pdf(f"To trinh so {n + 1}", pages=3 + n % 4) for n in range(6)]
        for k, (start, end) in enumerate(split(tablets, meetings)):
            members = {**people, "members": people["members"][start:end]}
            meeting = tablets_seed._meeting(f"cụm {k + 1}", members, pdfs)
            made["meetings"].append(
                {"id": meeting.id, "items": [i.id for i in meeting.items], "members": [start, end]}
            )
            print(f"seeded meeting {k + 1} ({end - start} tablets)", file=sys.stderr, flush=True)
        made["chair"] = people["chair"].email
        made["secretariat"] = people["secretariat"].email
        made["members"] = [u.email for u in people["members"]]
        db.session.remove()
        tablets_seed.stamp_newest(app)
    return made


def main() -> None:
    """Parse the arguments, seed, print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--instance", type=Path, required=True)
    parser.add_argument("--tablets", type=int, default=2000)
    parser.add_argument("--meetings", type=int, default=8)
    args = parser.parse_args()
    print(json.dumps(seed(args.database_url, args.instance, args.tablets, args.meetings)))


if __name__ == "__main__":
    main()
