"""axe-core on the pages of issue 16's prepared motions and room screen, in Vietnamese and
English: the room screen (at tablet sizes and on a 1920×1080 TV, during a vote and with its
result), its token page, the item page with its motions, and the console's motions list.
Zero serious or critical violations (tests/a11y/test_axe.py explains the rules and helpers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cabinet.db import db
from meetings.motions import services as motions
from tests.a11y.test_axe import QUESTION, World, blocking, describe
from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot
from voting.display import services as displays

TV = {"width": 1920, "height": 1080}
MOTION = "Thông qua dự án Luật Đất đai (sửa đổi) để trình Quốc hội."


def _with_motions(world: World) -> Any:
    """Item 1 of the published meeting has a motion; in session, an amendment too."""
    item = world.meeting.items[0]
    if not getattr(world, "_motions", False):
        world._commit(lambda: motions.add_motion(item, world.sec, text=MOTION))
        world._motions = True
    return item


def _screen_path(world: World, lang: str) -> str:
    _row, token = world._commit(lambda: displays.create_token(world.session, world.sec))
    return f"/display/{token}" + ("?lang=en" if lang == "en" else "")


def _room_ready(page: Page) -> None:
    expect(page.locator("body")).to_have_attribute("data-display", "live")


def _in_vote(world: World) -> Any:
    world.vote  # noqa: B018  (the open vote)
    return world.session


def _result(world: World, page: Page) -> None:
    world.close_vote()
    expect(page.locator("#d-result [data-result] .outcome")).to_be_visible()


def _console_ready(page: Page) -> None:
    expect(page.locator("#conn-pill")).to_have_attribute("data-state", "connected")
    expect(page.locator("#console-motions")).to_be_visible()


def _created(world: World, page: Page) -> None:
    page.locator("#f-label").fill("Màn hình chính")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#display-url")).to_be_visible()


@dataclass(frozen=True)
class Screen:
    user: Callable[[World], Any]
    path: Callable[[World, str], str]
    ready: Callable[[Page], None]
    viewports: tuple[dict[str, int], ...]
    then: tuple[tuple[str, Callable[[World, Page], None]], ...] = ()


SCREENS = {
    "room-screen": Screen(
        lambda w: None,
        lambda w, lang: (_in_vote(w), _screen_path(w, lang))[1],
        _room_ready,
        (TABLET_LANDSCAPE, TABLET_PORTRAIT, TV),
        (("result", _result),),
    ),
    "room-screen-tokens": Screen(
        lambda w: w.sec,
        lambda w, lang: f"/meetings/{w.session.id}/displays",
        lambda page: None,
        (TABLET_LANDSCAPE, TABLET_PORTRAIT),
        (("created", _created),),
    ),
    "item-motions": Screen(
        lambda w: w.member,
        lambda w, lang: f"/meetings/items/{_with_motions(w).id}",
        lambda page: expect(page.locator("#motion-list")).to_be_visible(),
        (TABLET_LANDSCAPE, TABLET_PORTRAIT),
    ),
    "item-motions-manage": Screen(
        lambda w: w.sec,
        lambda w, lang: f"/meetings/items/{_with_motions(w).id}",
        lambda page: expect(page.locator("#motion-form")).to_be_visible(),
        (TABLET_LANDSCAPE, TABLET_PORTRAIT),
    ),
    "console-motions": Screen(
        lambda w: w.chair,
        lambda w, lang: f"/meetings/{_console_meeting(w)}/live/console",
        _console_ready,
        (TABLET_LANDSCAPE, TABLET_PORTRAIT),
    ),
}


def _console_meeting(world: World) -> int:
    """The session on item 1, which has a prepared motion."""
    from meetings.live import services as live

    _with_motions(world)
    meeting = world.session
    world._commit(lambda: live.set_current_item(meeting, world.chair, meeting.items[0]))
    return meeting.id


CASES = [
    pytest.param(name, viewport, lang, id=f"{name}-{lang}-{viewport['width']}x{viewport['height']}")
    for name, screen in SCREENS.items()
    for viewport in screen.viewports
    for lang in ("vi", "en")
]


@pytest.fixture
def world(app, committed_db, make_cabinet) -> World:
    """A five-member cabinet (chair included) with secretariat, a deputy and an invitee."""
    return World(app, make_cabinet(n=5, deputies=1))


@pytest.mark.parametrize(("name", "viewport", "lang"), CASES)
def test_no_serious_or_critical_violations(world, open_page, name, viewport, lang):
    screen = SCREENS[name]
    user = screen.user(world)
    if user is not None and lang == "en":
        user.locale = "en"
        db.session.commit()
    path = screen.path(world, lang)
    page = open_page(user, viewport, path, locale="en-GB" if lang == "en" else "vi-VN")
    screen.ready(page)
    if lang == "en":
        expect(page.locator("html")).to_have_attribute("lang", "en")
    size = f"{viewport['width']}x{viewport['height']}"
    found: dict[str, list[dict[str, Any]]] = {}

    def look(state: str) -> None:
        found[state] = blocking(page)
        if found[state] or name == "room-screen":
            screenshot(page, f"a11y-{name}-{lang}-{state}-{size}")

    look("loaded")
    for state, reach in screen.then:
        reach(world, page)
        look(state)
    report = "\n".join(
        f"axe on {name} ({path}), {state}:\n{describe(v)}" for state, v in found.items() if v
    )
    assert not report, report


def test_the_room_screen_question_is_the_vote(world, open_page):
    """The screen really shows the open vote (the table above runs axe on a live screen)."""
    path = _screen_path(world, "vi") if _in_vote(world) else ""
    page = open_page(None, TV, path)
    expect(page.locator("#d-question")).to_have_text(QUESTION)
