"""Issue 16 (people and words): axe-core finds no serious or critical violation on the pages this
work added or changed — the calendar page (ICS feed and notices), the ballot answer with its
comment editor, the grouped reader picker, the ballot board with "remind all" (and its
confirmation dialog) — in Vietnamese and in English, at 1024×768 and 768×1024."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cabinet.db import db
from cabinet.users.models import User
from meetings.calendar import renew_feed
from tests.a11y.test_axe import World, _connected, blocking, describe
from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot


def _calendar(world):
    with world.app.test_request_context():
        renew_feed(world.member)
        db.session.commit()
    return (
        world.member,
        "/meetings/calendar",
        lambda page: expect(page.locator("[data-calendar-link]")).to_be_visible(),
    )


def _ballot(world):
    return (
        world.member,
        f"/ballots/{world.ballot.id}",
        lambda page: expect(page.locator("[data-comment-editor]").first).to_be_visible(),
    )


def _readers(world):
    def ready(page):
        page.locator("details.card summary").first.click()
        expect(page.locator("[data-reader-group]").first).to_be_visible()

    return world.sec, f"/meetings/items/{world.draft.items[0].id}", ready


def _board(world):
    return (
        world.sec,
        f"/ballots/{world.ballot.id}/board",
        lambda page: expect(page.locator("#board-table")).to_be_visible(),
    )


def _remind_all_asked(page):
    """The secretariat taps "remind all": the console's dialog asks first."""
    expect(page.locator("html")).to_have_attribute("data-ui", "ready")
    page.locator("form[action$='/remind-all'] button").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()


PAGES = {
    "calendar": _calendar,
    "ballot-editor": _ballot,
    "reader-picker": _readers,
    "ballot-board": _board,
}
#: A further state axe looks at on the same page.
THEN = {"ballot-board": ("remind-all-dialog", _remind_all_asked)}


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize(
    "viewport", [TABLET_LANDSCAPE, TABLET_PORTRAIT], ids=["1024x768", "768x1024"]
)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_new_pages_have_no_serious_violations(
    app, committed_db, make_cabinet, open_page, name, viewport, locale
):
    world = World(app, make_cabinet(n=5, deputies=1))
    for user in db.session.scalars(select(User)):
        user.locale = locale
    db.session.commit()
    user, path, ready = PAGES[name](world)
    page = open_page(user, viewport, path)
    if name != "reader-picker":
        _connected(page)
    ready(page)
    size = f"{viewport['width']}x{viewport['height']}"
    screenshot(page, f"words-{name}-{locale}-{size}")
    found = blocking(page)
    assert not found, f"axe on {name} ({locale}, {size}):\n{describe(found)}"
    if name in THEN:
        state, reach = THEN[name]
        reach(page)
        screenshot(page, f"words-{name}-{state}-{locale}-{size}")
        found = blocking(page)
        assert not found, f"axe on {name}, {state} ({locale}, {size}):\n{describe(found)}"
