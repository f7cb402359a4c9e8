"""Issue 16, finding 12 (labels): one word per thing on every page, as the glossary says. A draft
meeting reads "Dự thảo" (never "Bản nháp"), a closed one "Đã bế mạc" on the list, its page and
the member's page, the hybrid format has one name; in English, the glossary's English words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cabinet import glossary
from cabinet.db import db
from cabinet.i18n import english_catalog
from cabinet.users.models import User
from meetings.models import Meeting, MeetingForm
from tests.a11y.test_axe import World, _connected
from tests.conftest import DESKTOP, TABLET_LANDSCAPE


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_a_meeting_state_and_format_read_the_same_on_every_page(
    app, committed_db, make_cabinet, open_page, locale
):
    world = World(app, make_cabinet(n=5, deputies=1))
    draft, closed = world.draft, world.closed_session

    def hybrid() -> None:
        db.session.get(Meeting, draft.id).form = MeetingForm.HYBRID
        for user in db.session.scalars(select(User)):
            user.locale = locale

    world._commit(hybrid)
    english = english_catalog()

    def word(label) -> str:
        vietnamese = label._args[0]
        return english[vietnamese] if locale == "en" else vietnamese

    retired = list(glossary.RETIRED) + (
        [] if locale == "vi" else [str(v._args[0]) for v in glossary.TERMS.values()]
    )

    index = open_page(world.sec, DESKTOP, "/meetings/")
    _connected(index)
    expect(index.locator("main")).to_contain_text(word(glossary.DRAFT))
    expect(index.locator("main")).to_contain_text(word(glossary.MEETING_CLOSED))
    manage = open_page(world.sec, DESKTOP, f"/meetings/{draft.id}/manage")
    expect(manage.locator("main")).to_contain_text(word(glossary.DRAFT))
    expect(manage.locator("main")).to_contain_text(word(glossary.HYBRID))
    member = open_page(world.member, TABLET_LANDSCAPE, f"/meetings/{closed.id}")
    expect(member.locator("[data-meeting-state]")).to_contain_text(word(glossary.MEETING_CLOSED))
    form = open_page(world.sec, DESKTOP, "/meetings/new")
    expect(form.locator("#f-form option[value=hybrid]")).to_have_text(word(glossary.HYBRID))
    for page in (index, manage, member, form):
        text = page.locator("body").inner_text()
        assert not [w for w in retired if w in text], (page.url, [w for w in retired if w in text])
