"""The demo's month of cabinet work, played through the packages' own services.

`cabinet seed-demo` creates the people (`demo.people`), then calls the demo hooks; this one adds
what a newcomer should find on first run:

1. last month's regular session, completed (`demo.past_session`): agenda with papers (one
   restricted), attendance (a deputy, a leave), speakers, an open and a secret vote; its minutes
   drafted, circulated, corrected, finalised and signed (secretary, then chair), the resolution
   issued and signed (`demo.records`);
2. an opinion ballot answered by most members, closed at its deadline, concluded by the chair,
   with its decision record issued and signed (`demo.ballots`);
3. an opinion ballot sent a few days ago, open, some members have answered (`demo.ballots`);
4. next week's regular session, published, with its agenda and papers (`demo.next_session`).

Nothing is inserted behind the services' back: every step goes through the function a page or
a tablet would call, so the rules (quorum, majority, deadlines, signing order) and the audit
chain are exercised exactly as in real use. Past steps run on the one clock (`cabinet.db.clock`,
see `demo.clock`) set to the moment they would have happened; signatures are made at the real
time, because the signing certificates are issued now and a PDF signature carries the real
signing time.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import Flask

from cabinet.db import db
from demo.ballots import concluded_ballot, open_ballot
from demo.clock import demo_clock, local_zone, weekday_on_or_after, weekday_on_or_before
from demo.next_session import prepare_next_session
from demo.past_session import hold_past_session
from demo.people import People
from demo.records import draft_minutes, sign_records

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    """Add the demo content to the `seed-demo` hooks (after the signing keystores' hook)."""
    hooks = app.extensions.setdefault("ecabinet.demo_hooks", [])
    if seed_demo_content not in hooks:
        hooks.append(seed_demo_content)


def seed_demo_content() -> list[tuple[str, str, str]]:
    """Create the demo's sessions, ballots and signed records; returns no extra logins."""
    people = People()
    if "thutuong" not in people.by_local or "thuky" not in people.by_local:
        log.warning("demo content skipped: the demo cabinet is not there")
        return []
    today = datetime.now(local_zone()).date()
    past_day = weekday_on_or_before(today - timedelta(days=24))
    next_day = weekday_on_or_after(today + timedelta(days=7))
    with demo_clock():
        past = hold_past_session(people, past_day)
        draft_minutes(people, past, past_day)
        concluded = concluded_ballot(people, past_day + timedelta(days=3))
        prepare_next_session(people, next_day, today)
        open_ballot(people, today)
    sign_records(people, past, concluded)
    db.session.flush()
    return []
