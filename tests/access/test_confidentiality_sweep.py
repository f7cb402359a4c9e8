"""The confidentiality sweep: a secret paper and a restricted item, each with a unique marker;
for every person who may not see them, the marker appears in no page, API response, PDF
(text extracted), export or socket message that person can reach."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage

from cabinet.db import db
from meetings import services
from meetings.live import services as live
from meetings.models import Classification
from meetings.papers.changes import add_paper
from records import services as records
from tests.meetings.conftest import make_pdf
from tests.voting.polls.helpers import build_session, check_in

PAPER_MARK = "PAPERMARK-4417"
ITEM_MARK = "ITEMMARK-9923"


def _text(response) -> str:
    data = response.get_data()
    if response.mimetype == "application/pdf" or data[:5] == b"%PDF-":
        try:
            reader = PdfReader(io.BytesIO(data))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except Exception:  # noqa: BLE001  (an encrypted or broken file: search its bytes)
            return data.decode("latin-1")
    return data.decode("utf-8", "replace")


@pytest.fixture
def world(db, make_cabinet):
    cab = make_cabinet(5, deputies=1)
    s = build_session(cab, open_session=False)
    restricted = s.items[2]
    restricted.title = f"Phương án nhân sự {ITEM_MARK}"
    paper = add_paper(
        s.items[0],
        title=f"Báo cáo {PAPER_MARK}",
        upload=FileStorage(
            io.BytesIO(make_pdf("Noi dung mat")), filename="bc.pdf", content_type="application/pdf"
        ),
        classification=Classification.SECRET,
        reader_ids=[cab.chair.id],
        actor=cab.secretariat,
    )
    live.open_session(s.meeting, cab.chair)
    check_in(s.meeting, cab.members + [cab.invitee])
    db.session.commit()
    return s, paper


def _urls(app, values: dict[str, int]) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if any(arg not in values for arg in rule.arguments):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{arg}>", str(values[arg]), path)
        urls.append(path)
    return sorted(set(urls))


def _sweep(app, client, values, marks) -> list[str]:
    leaks = []
    for url in _urls(app, values):
        response = client.get(url)
        body = _text(response)
        response.close()  # file responses hold their file open until closed
        leaks += [f"{url} ({response.status_code}): {m}" for m in marks if m in body]
    return leaks


def test_markers_reach_nobody_who_may_not_see_them(app, world, user_client, join):
    s, paper = world
    cab = s.cab
    meeting, restricted = s.meeting, s.items[2]
    # Live traffic about the restricted item while everyone follows the room.
    tablets = {
        "invitee": join(cab.invitee, meeting),
        "member": join(cab.members[2], meeting),
        "admin": None,
    }
    live.set_current_item(meeting, cab.chair, restricted)
    live.request_floor(meeting, cab.members[1], restricted)
    db.session.commit()
    live.close_session(meeting, cab.chair)
    minutes = records.ensure_minutes(meeting, cab.secretariat)
    records.circulate_minutes(minutes, actor=cab.secretariat)
    records.add_comment(minutes, cab.members[1], item_id=restricted.id, text=f"Sửa {ITEM_MARK}")
    db.session.commit()

    values = {
        "meeting_id": meeting.id,
        "item_id": restricted.id,
        "paper_id": paper.id,
        "minutes_id": minutes.id,
        "number": 1,
        "version": 1,
    }
    # Who may not see what: the invitee sees neither; a member (not a named reader) and the
    # admin may not see the paper (the admin reads no meeting content at all).
    cases = {
        "invitee": (cab.invitee, [PAPER_MARK, ITEM_MARK]),
        "member": (cab.members[2], [PAPER_MARK]),
        "admin": (cab.admin, [PAPER_MARK, ITEM_MARK]),
        "deputy": (cab.deputies[0], [PAPER_MARK]),
    }
    leaks = []
    for who, (user, marks) in cases.items():
        leaks += [f"{who}: {leak}" for leak in _sweep(app, user_client(user), values, marks)]
        tablet = tablets.get(who)
        if tablet is not None:
            for message in tablet.get_received():
                leaks += [f"{who}: socket {message['name']}" for m in marks if m in str(message)]
    assert not leaks, "\n".join(leaks)
    # The sweep really looked: the chair (a named reader) finds both markers somewhere.
    assert _sweep(app, user_client(cab.chair), values, [PAPER_MARK, ITEM_MARK])
    assert services  # the package the pages come from is loaded
