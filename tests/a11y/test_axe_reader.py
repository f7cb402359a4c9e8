"""axe-core on the pages issue 16's reader work changed (papers from the live screen, the
follow bar, the reader following the presenter, the presenter's own reader, the reader's full
screen, search and comments, the digest of comments), in Vietnamese and English, on a landscape
and a portrait tablet: nothing serious or critical."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cabinet.db import db
from tests.a11y.test_axe import World, _connected, blocking, describe
from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot


def _live_tablet(page: Page) -> None:
    _connected(page)
    expect(page.locator("#now-papers a").first).to_be_visible()
    expect(page.locator("#follow-bar")).to_be_visible()


def _reader(page: Page) -> None:
    page.wait_for_selector('.pr-page[data-page="1"][data-rendered="true"]', timeout=20_000)
    expect(page.locator('[data-action="follow"]')).to_be_visible()


def _full_screen(page: Page) -> None:
    page.locator('[data-action="fullscreen"]').click()
    expect(page.locator(".pr")).to_have_class(re.compile(r"\bpr--full\b"))


def _following(page: Page) -> None:
    page.locator('[data-action="follow"]').click()
    expect(page.locator(".pr")).to_have_attribute("data-follow", "on")
    expect(page.locator('[data-action="follow"]')).to_have_attribute("aria-pressed", "true")


def _presenting(page: Page) -> None:
    page.locator('[data-action="present"]').click()
    expect(page.locator(".pr")).to_have_attribute("data-presented", "1")


def _presenter_reader(page: Page) -> None:
    page.wait_for_selector('.pr-page[data-page="1"][data-rendered="true"]', timeout=20_000)
    expect(page.locator('[data-action="present"]')).to_be_visible()


def _search_open(page: Page) -> None:
    page.locator('[data-action="search-open"]').click()
    expect(page.locator("[data-search-input]")).to_be_focused()


def _comments_open(page: Page) -> None:
    page.locator('[data-action="comments"]').click()
    expect(page.locator("[data-comment-text]")).to_be_visible()
    page.fill("[data-comment-text]", "Đề nghị làm rõ khoản 2")
    page.locator("[data-comment-form] button[type=submit]").click()
    expect(page.locator("[data-comment-list] li")).to_have_count(1)


def _digest(world: World) -> str:
    with world.app.test_request_context():
        from meetings.models import Paper
        from meetings.reader import comments

        paper = db.session.get(Paper, world.paper.id)
        comments.add_comment(paper, world.member, page=2, text="Trang 2 cần số liệu năm 2025")
        db.session.commit()
    return f"/papers/{world.paper.id}/comments"


SCREENS: dict[str, tuple[Any, Any, Any, tuple[tuple[str, Any], ...]]] = {
    "live-tablet": (
        lambda w: w.member,
        lambda w: f"/meetings/{w.session.id}/live",
        _live_tablet,
        (),
    ),
    "reader": (
        lambda w: w.member,
        lambda w: (w.session, f"/papers/{w.paper.id}/read")[1],
        _reader,
        (
            ("following", _following),
            ("search", _search_open),
            ("full-screen", _full_screen),
            ("comments", _comments_open),
        ),
    ),
    "presenter-reader": (
        lambda w: w.sec,
        lambda w: (w.session, f"/papers/{w.paper.id}/read")[1],
        _presenter_reader,
        (("presenting", _presenting),),
    ),
    "comment-digest": (lambda w: w.sec, _digest, _connected, ()),
}
CASES = [
    pytest.param(name, viewport, lang, id=f"{name}-{viewport['width']}x{viewport['height']}-{lang}")
    for name in SCREENS
    for viewport in (TABLET_LANDSCAPE, TABLET_PORTRAIT)
    for lang in ("vi", "en")
]


@pytest.fixture
def world(app, committed_db, make_cabinet) -> World:
    """A five-member cabinet (chair included) with secretariat, a deputy and an invitee."""
    return World(app, make_cabinet(n=5, deputies=1))


@pytest.mark.parametrize(("name", "viewport", "lang"), CASES)
def test_no_serious_or_critical_violations(world, open_page, name, viewport, lang):
    who, where, ready, then = SCREENS[name]
    user = who(world)
    path = where(world)
    user.locale = lang
    db.session.commit()
    page = open_page(user, viewport, path)
    ready(page)
    size = f"{viewport['width']}x{viewport['height']}"
    found = {"loaded": blocking(page)}
    for state, reach in then:
        reach(page)
        found[state] = blocking(page)
        if found[state]:
            screenshot(page, f"a11y-{name}-{state}-{size}-{lang}")
    report = "\n".join(
        f"axe on {name} ({path}, {lang}), {state}:\n{describe(v)}"
        for state, v in found.items()
        if v
    )
    assert not report, report
