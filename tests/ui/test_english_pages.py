"""Issue 16, finding 12: the English UI shows no Vietnamese on any main page, dates included.

Every main page of the accessibility walk (tests/a11y/test_axe.py builds them through the
services, in the state a person meets them), and the pages issue 16 added (the room screen with
a speaker's countdown and a result, its token page, motions on an item and in the console, the
comment digest, the reader's comments, the calendar page), is opened by a person who chose
English. What the
people typed (titles, names, ministries, questions, comments) is data and stays as typed: it is
taken out of the visible text first, and what is left, the product's own words and dates, must
hold no letter outside ASCII (Vietnamese letters, tone marks and đ are all outside ASCII).
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cabinet.db import db
from cabinet.users.models import User
from tests.a11y.test_axe import SCREENS, World, _connected
from tests.conftest import TABLET_LANDSCAPE
from tests.meetings.reader.conftest import make_pdf

#: Every main page a signed-in person opens (the sign-in page has its own language switch).
PAGES = [name for name in SCREENS if name != "sign-in"]
NON_ASCII_WORD = re.compile(r"\S*[^\x00-\x7f\s–—·…×“”‘’←→↑↓✓•€′−]\S*")


def typed_data() -> list[str]:
    """Every text people typed into the world: it is shown as typed, whatever the language."""
    from meetings.models import AgendaItem, Meeting, Paper, PaperVersion
    from meetings.motions.models import Motion
    from meetings.reader.models import PaperComment
    from records.models import DecisionRecord
    from voting.ballots.models import Ballot, BallotAnswer, BallotQuestion
    from voting.polls.models import Poll

    columns = [
        (User, ("name", "title", "ministry")),
        (Meeting, ("title", "place", "number")),
        (AgendaItem, ("title", "summary", "ministry", "presenter")),
        (Paper, ("title",)),
        (PaperVersion, ("display_name",)),
        (Ballot, ("title", "background", "proposal")),
        (BallotQuestion, ("text",)),
        (BallotAnswer, ("comment",)),
        (Poll, ("question",)),
        (DecisionRecord, ("title",)),  # a Vietnamese legal document's name ("Nghị quyết ...")
        (Motion, ("text",)),
        (PaperComment, ("text",)),
    ]
    found: set[str] = set()
    for model, names in columns:
        for row in db.session.scalars(select(model)):
            for name in names:
                value = getattr(row, name, None)
                if isinstance(value, str) and value.strip():
                    found.add(re.sub(r"<[^>]+>", "", value).strip())
    # the minutes the secretariat wrote (the world's own words for them)
    found |= {
        "Đề nghị làm rõ quy định chuyển tiếp.",
        "Chính phủ thống nhất thông qua dự án Luật.",
        "Thông qua dự án Luật Đất đai (sửa đổi).",
        "Hiệu lực từ 01/01/2027.",
    }
    return sorted(found, key=len, reverse=True)


def vietnamese_words(page: Any) -> list[str]:
    """The words of the page's visible text that are not English, once typed data is removed."""
    # A passage marked as Vietnamese (`lang="vi"`: the language switch's own name, the text of a
    # Vietnamese legal record shown for editing) is not the English UI.
    text = page.evaluate(
        """() => {
          // ... nor is the paper itself, drawn by the reader (.pr-page: its canvas and text layer).
          const marked = [...document.querySelectorAll('[lang]:not([lang^="en"]), .pr-page')];
          const before = marked.map((el) => el.style.display);
          marked.forEach((el) => { el.style.display = "none"; });
          const shown = document.body.innerText;
          marked.forEach((el, i) => { el.style.display = before[i]; });
          return shown;
        }"""
    )
    text += " " + " ".join(
        page.evaluate(
            """() => [...document.querySelectorAll('[aria-label],[title],[placeholder]')]
                 .filter((el) => el.getClientRects().length)
                 .map((el) => [el.getAttribute('aria-label'), el.getAttribute('title'),
                               el.getAttribute('placeholder')].filter(Boolean).join(' '))"""
        )
    )
    text += " " + page.title()
    for value in typed_data():
        text = re.sub(re.escape(value), " ", text, flags=re.IGNORECASE)
    if os.environ.get("SHOW_LINES"):
        print("\n".join(line for line in text.splitlines() if NON_ASCII_WORD.search(line)))
    return sorted(set(NON_ASCII_WORD.findall(text)))


def _verified_in_english(world: World, page: Any) -> None:
    """The verify page's answer for a PDF without signatures (its button, named in English)."""
    pdf = {"name": "paper.pdf", "mimeType": "application/pdf", "buffer": make_pdf("Paper")}
    page.locator("#verify-file").set_input_files(files=[pdf])
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(page.locator(".alert")).to_be_visible()


@pytest.fixture
def english_world(app, committed_db, make_cabinet) -> World:
    """The accessibility walk's cabinet, every person of it having chosen English."""
    world = World(app, make_cabinet(n=5, deputies=1))
    for user in db.session.scalars(select(User)):
        user.locale = "en"
    db.session.commit()
    return world


@pytest.mark.parametrize("name", PAGES)
def test_the_english_ui_has_no_vietnamese(english_world, open_page, name):
    """Each main page, read in English, shows no Vietnamese word of its own (dates included)."""
    screen = SCREENS[name]
    page = open_page(
        screen.user(english_world), TABLET_LANDSCAPE, screen.path(english_world), "en-GB"
    )
    screen.ready(page)
    left = vietnamese_words(page)
    for state, reach in screen.then:
        if state == "errors" or state == "result":
            (_verified_in_english if name == "verify" else reach)(english_world, page)
            left += [f"{w} ({state})" for w in vietnamese_words(page)]
    assert not left, f"Vietnamese on {name} in English: {left}"


# ------------------------------------------------------------------ the pages of issue 16


def _room_screen(world: World) -> str:
    """The room screen in English: a speaker with three minutes, and the item's last result."""
    from meetings.live import services as live
    from meetings.live.speakers import set_speaking_limit
    from voting.display import services as displays

    world.close_vote()

    def build() -> str:
        meeting = world.session
        set_speaking_limit(meeting, world.chair, None, 180)
        live.give_floor(meeting, world.chair, world.floor.id)
        return displays.create_token(meeting, world.sec)[1]

    return f"/display/{world._commit(build)}?lang=en"


def _room_screen_ready(page: Any) -> None:
    expect(page.locator("body")).to_have_attribute("data-display", "live")
    expect(page.locator("#d-countdown")).to_be_visible()
    expect(page.locator("#d-result [data-result] .outcome")).to_be_visible()


def _token_created(page: Any) -> None:
    page.locator("#f-label").fill("Main screen")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#display-url")).to_be_visible()


def _comments_open(page: Any) -> None:
    page.wait_for_selector('.pr-page[data-page="1"][data-rendered="true"]', timeout=20_000)
    page.locator('[data-action="comments"]').click()
    page.fill("[data-comment-text]", "Clarify clause 2")
    page.locator("[data-comment-form] button[type=submit]").click()
    expect(page.locator("[data-comment-list] li")).to_have_count(1)


def _issue16_pages() -> dict[str, tuple[Any, Any, Any]]:
    from tests.a11y import test_axe_motions as motions
    from tests.a11y import test_axe_reader as reader
    from tests.a11y import test_axe_words as words

    def calendar(world: World) -> str:
        return words._calendar(world)[1]

    return {
        "room-screen": (lambda w: None, _room_screen, _room_screen_ready),
        "room-screen-tokens": (
            lambda w: w.sec,
            lambda w: f"/meetings/{w.session.id}/displays",
            _token_created,
        ),
        "item-motions": (
            lambda w: w.member,
            lambda w: f"/meetings/items/{motions._with_motions(w).id}",
            lambda page: expect(page.locator("#motion-list")).to_be_visible(),
        ),
        "item-motions-manage": (
            lambda w: w.sec,
            lambda w: f"/meetings/items/{motions._with_motions(w).id}",
            lambda page: expect(page.locator("#motion-form")).to_be_visible(),
        ),
        "console-motions": (
            lambda w: w.chair,
            lambda w: f"/meetings/{motions._console_meeting(w)}/live/console",
            motions._console_ready,
        ),
        "comment-digest": (lambda w: w.sec, reader._digest, _connected),
        "reader-comments": (
            lambda w: w.member,
            lambda w: (w.session, f"/papers/{w.paper.id}/read")[1],
            _comments_open,
        ),
        "calendar": (lambda w: w.member, calendar, _connected),
        "ballot-board": (
            lambda w: w.sec,
            lambda w: f"/ballots/{w.ballot.id}/board",
            lambda page: expect(page.locator("#board-table")).to_be_visible(),
        ),
    }


ISSUE16_PAGES = [
    "room-screen",
    "room-screen-tokens",
    "item-motions",
    "item-motions-manage",
    "console-motions",
    "comment-digest",
    "reader-comments",
    "calendar",
    "ballot-board",
]


@pytest.mark.parametrize("name", ISSUE16_PAGES)
def test_the_english_ui_of_issue_16_pages_has_no_vietnamese(english_world, open_page, name):
    """The room screen, motions, comments and their digest, the calendar page, in English."""
    who, where, ready = _issue16_pages()[name]
    path = where(english_world)
    page = open_page(who(english_world), TABLET_LANDSCAPE, path, "en-GB")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    ready(page)
    left = vietnamese_words(page)
    assert not left, f"Vietnamese on {name} ({path}) in English: {left}"
