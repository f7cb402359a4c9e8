"""An ended session's pages: each item shows its votes and the chair's conclusion; the meeting
page leads to its minutes and resolutions."""

from __future__ import annotations

import re

import pytest
from flask import g

from cabinet.db import db
from records import services as records
from tests.records.conftest import fill_and_finalize, hold_session
from voting.polls.progress import progress_flusher


@pytest.fixture(autouse=True)
def manual_progress():
    """The votes' progress emits wait for the test (no timer thread sharing its session)."""
    progress_flusher.autostart = False
    progress_flusher._dirty.clear()
    yield
    progress_flusher._dirty.clear()
    progress_flusher.autostart = True


@pytest.fixture
def ended(db, make_cabinet):
    return hold_session(make_cabinet(27))


@pytest.fixture
def page(user_client):
    """`page(user, url)`: the HTML a GET by that person returns (200 asserted)."""

    def get(user, url):
        g.pop("_login_user", None)
        response = user_client(user).get(url)
        assert response.status_code == 200, url
        return response.get_data(as_text=True)

    return get


def _outcome(html: str) -> str:
    """The item's outcome section (its cards are sections too, so cut at the papers)."""
    assert 'id="item-outcome"' in html
    return html[html.index('id="item-outcome"') : html.index('aria-labelledby="papers-title"')]


def test_item_of_an_ended_session_shows_the_open_vote_with_names_and_the_conclusion(ended, page):
    cab, item = ended.cab, ended.items[0]
    minutes = records.ensure_minutes(ended.meeting, cab.secretariat)
    fill_and_finalize(minutes, cab)

    html = page(cab.members[5], f"/meetings/items/{item.id}")
    outcome = _outcome(html)
    assert "Thông qua dự án Luật Đất đai (sửa đổi)?" in outcome
    assert 'data-passed="true"' in outcome
    # The 26 present members voted: 18 approve, 3 disapprove, the rest abstain.
    assert "Tán thành 18 · Không tán thành 3 · Không biểu quyết 5 · Chưa bỏ phiếu 0" in outcome
    approvers = re.search(r'data-names="approve">(.*?)</dd>', outcome).group(1)
    assert ended.present[0].name in approvers and ended.present[20].name not in approvers
    assert ended.present[20].name in re.search(
        r'data-names="disapprove">(.*?)</dd>', outcome
    ).group(1)
    assert "Chính phủ thống nhất thông qua dự án Luật" in outcome
    assert "Thông qua dự án Luật Đất đai (sửa đổi) để trình Quốc hội." in outcome
    assert f"/records/meetings/{ended.meeting.id}/minutes#item-{item.id}" in outcome
    # The outcome comes before the papers.
    assert html.index('id="item-outcome"') < html.index('id="papers-title"')


def test_a_secret_vote_shows_counts_but_no_names(ended, page):
    cab, item = ended.cab, ended.items[1]
    html = page(cab.members[5], f"/meetings/items/{item.id}")
    outcome = _outcome(html)
    assert "Bỏ phiếu kín" in outcome and "Tán thành 12 · Không tán thành 8" in outcome
    assert "data-names=" not in outcome
    for member in ended.present:
        assert member.name not in outcome


def test_an_item_without_votes_or_conclusion_shows_no_outcome(ended, page):
    html = page(ended.cab.members[5], f"/meetings/items/{ended.items[2].id}")
    assert 'id="item-outcome"' not in html


def test_ended_meeting_page_leads_to_its_minutes_and_resolution(ended, page):
    cab, meeting = ended.cab, ended.meeting
    html = page(cab.members[5], f"/meetings/{meeting.id}")
    header = re.search(r'<div class="page-header">.*?</div>\s*</div>', html, re.S).group(0)
    assert f'href="/records/meetings/{meeting.id}/minutes"' in header
    assert "/records/decisions/" not in header  # no resolution drafted yet

    record = records.draft_resolution(meeting, actor=cab.secretariat)
    db.session.commit()
    html = page(cab.members[5], f"/meetings/{meeting.id}")
    assert f'href="/records/decisions/{record.id}"' in html and "Nghị quyết (dự thảo)" in html


def test_a_meeting_in_session_shows_no_records_or_outcome(db, make_cabinet, page):
    from tests.voting.polls.helpers import build_session

    running = build_session(make_cabinet(27))
    html = page(running.cab.members[5], f"/meetings/{running.meeting.id}")
    assert "/records/" not in re.search(
        r'<div class="page-header">.*?</div>\s*</div>', html, re.S
    ).group(0)
    html = page(running.cab.members[5], f"/meetings/items/{running.items[0].id}")
    assert 'id="item-outcome"' not in html
