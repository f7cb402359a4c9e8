"""Accessibility of the live pages issue 16 changed (chair console, tablet, attendance board,
room screen): axe-core finds no serious or critical violation, in Vietnamese and in English, on
a landscape and a portrait tablet, in the states the issue added (the speaker's countdown, the
last result card, the confirmation and reason dialogs, the closed session, the room screen's
countdown and its over-time state)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cabinet.db import db
from meetings.live import services as live
from meetings.live.speakers import set_speaking_limit
from tests.a11y.test_axe import World, blocking, describe
from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot
from voting.display import services as displays


@pytest.fixture
def world(app, committed_db, make_cabinet) -> World:
    """A five-member cabinet in session: four in, a member speaking with 3 minutes to speak."""
    world = World(app, make_cabinet(n=5, deputies=1))

    def build() -> Any:
        meeting = world.session
        set_speaking_limit(meeting, world.chair, None, 180)
        live.give_floor(meeting, world.chair, world.floor.id)
        return meeting

    world.live_meeting = world._commit(build)
    return world


def _speaker(world: World) -> Any:
    return world.cab.members[2]


def _close_session(world: World, page: Page) -> None:
    world._commit(lambda: live.close_session(world.live_meeting, world.chair))
    expect(page.locator("#session-state")).to_be_visible()


def _vote_closed(world: World, page: Page) -> None:
    """A vote is opened and closed: the console keeps its result card on screen."""
    world.close_vote()
    expect(page.locator("#vote-result [data-result] .outcome")).to_be_visible()


def _room_screen(world: World) -> str:
    _row, token = world._commit(lambda: displays.create_token(world.live_meeting, world.sec))
    return f"/display/{token}"


def _over_time(world: World, page: Page) -> None:
    """The speaker goes past their three minutes: the screen's panel turns red."""

    def build() -> None:
        floor = db.session.merge(world.floor)
        floor.floor_at = floor.floor_at - timedelta(seconds=200)

    world._commit(build)
    expect(page.locator("#d-speaker-panel")).to_have_attribute("data-over", "true")


def _close_asked(world: World, page: Page) -> None:
    page.locator("#session-close").click()
    expect(page.get_by_role("dialog")).to_be_visible()


def _leave_asked(world: World, page: Page) -> None:
    row = page.locator(f'tr[data-user="{world.cab.members[4].id}"]')
    row.locator('button[data-mark="leave"]').click()
    expect(page.get_by_role("dialog")).to_be_visible()


SCREENS = {
    "chair-console": (
        lambda w: w.chair,
        lambda w: f"/meetings/{w.live_meeting.id}/live/console",
        "#queue [data-countdown-speaker]",
        (("result", _vote_closed), ("close-dialog", _close_asked)),
    ),
    "live-tablet": (
        _speaker,
        lambda w: f"/meetings/{w.live_meeting.id}/live",
        "#my-countdown",
        (("closed", _close_session),),
    ),
    "attendance": (
        lambda w: w.sec,
        lambda w: f"/meetings/{w.live_meeting.id}/live/attendance",
        "#mark-all",
        (("leave-dialog", _leave_asked),),
    ),
    "room-screen": (
        lambda w: None,
        _room_screen,
        "#d-countdown",
        (("over-time", _over_time),),
    ),
}
CASES = [
    pytest.param(name, viewport, lang, id=f"{name}-{lang}-{viewport['width']}x{viewport['height']}")
    for name in SCREENS
    for viewport in (TABLET_LANDSCAPE, TABLET_PORTRAIT)
    for lang in ("vi", "en")
]


@pytest.mark.parametrize(("name", "viewport", "lang"), CASES)
def test_live_pages_have_no_serious_or_critical_violations(world, open_page, name, viewport, lang):
    user_of, path_of, shown, then = SCREENS[name]
    user = user_of(world)
    path = path_of(world)
    if user is None:  # the room screen: no sign-in, the language in its address
        path += "?lang=en" if lang == "en" else ""
    else:
        user.locale = lang
        db.session.merge(user)
        db.session.commit()
    page = open_page(user, viewport, path)
    if user is None:
        expect(page.locator("body")).to_have_attribute("data-display", "live")
    else:
        expect(page.locator("#conn-pill")).to_have_attribute("data-state", "connected")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator(shown)).to_be_visible()
    size = f"{viewport['width']}x{viewport['height']}"
    found: dict[str, list[dict[str, Any]]] = {}

    def look(state: str) -> None:
        found[state] = blocking(page)
        if found[state] or name == "room-screen":
            screenshot(page, f"a11y-16-{name}-{lang}-{state}-{size}")

    look("loaded")
    for state, reach in then:
        reach(world, page)
        look(state)
    report = "\n".join(
        f"axe on {name} ({lang}, {size}), {state}:\n{describe(v)}"
        for state, v in found.items()
        if v
    )
    assert not report, report
