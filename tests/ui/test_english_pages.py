"""Issue 16, finding 12: the English UI shows no Vietnamese on any main page, dates included.

Every main page of the accessibility walk (tests/a11y/test_axe.py builds them through the
services, in the state a person meets them) is opened by a person who chose English. What the
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
from tests.a11y.test_axe import SCREENS, World
from tests.conftest import TABLET_LANDSCAPE
from tests.meetings.reader.conftest import make_pdf

#: Every main page a signed-in person opens (the sign-in page has its own language switch).
PAGES = [name for name in SCREENS if name != "sign-in"]
NON_ASCII_WORD = re.compile(r"\S*[^\x00-\x7f\s–—·…×“”‘’←→↑↓✓•€′−]\S*")


def typed_data() -> list[str]:
    """Every text people typed into the world: it is shown as typed, whatever the language."""
    from meetings.models import AgendaItem, Meeting, Paper, PaperVersion
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
