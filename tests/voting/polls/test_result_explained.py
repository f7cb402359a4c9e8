"""Issue 16, finding 9: a result explains itself.

18 of 27 members present, 13 approve: the vote fails because the rule asks for more than half
of ALL 27 members (14). The card says so in readable text (which rule, what was needed), and
its bar is drawn on the scale of all 27 members with a visible mark at 14 — on the tablet, the
chair's console and the item page after the session.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from cabinet.db import db
from meetings.live import services as live
from meetings.models import Meeting
from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot
from tests.voting.polls.helpers import build_session, check_in
from voting.polls import services as polls
from voting.polls.models import PollKind

NEEDED = "cần 14 phiếu tán thành trên 27 thành viên"
RULE = "quá nửa tổng số thành viên"

# The card's geometry: where the approvals end and where the threshold mark stands, as parts of
# the bar's width; and how its rule line is set (size against the body text, colour).
GEOMETRY = """(card) => {
  const bar = card.querySelector(".tally").getBoundingClientRect();
  const approve = card.querySelector('[data-seg="approve"]').getBoundingClientRect();
  const mark = card.querySelector("[data-threshold]");
  const at = mark ? mark.getBoundingClientRect() : null;
  const rule = getComputedStyle(card.querySelector("[data-rule]"));
  const body = getComputedStyle(document.body);
  return {
    approve: approve.width / bar.width,
    mark: at ? (at.left + at.width / 2 - bar.left) / bar.width : null,
    markVisible: at ? at.height > 0 && getComputedStyle(mark).visibility !== "hidden" : false,
    ruleSize: parseFloat(rule.fontSize), bodySize: parseFloat(body.fontSize),
    ruleColor: rule.color, bodyColor: body.color,
  };
}"""


@pytest.fixture
def failed_vote(app, committed_db, make_cabinet):
    """A 27-member cabinet; 18 present; 13 approve, 5 disapprove; closed: not passed."""
    cab = make_cabinet(27)
    with app.test_request_context():
        s = build_session(cab)
        present = cab.members[:18]
        check_in(s.meeting, present)
        poll = polls.open_poll(
            s.meeting,
            cab.chair,
            item=s.items[0],
            question="Thông qua dự án Luật Đất đai (sửa đổi)?",
            kind=PollKind.OPEN,
        )
        for i, member in enumerate(present):
            polls.cast_vote(poll, member, "approve" if i < 13 else "disapprove", uuid.uuid4().hex)
        polls.close_poll(poll, cab.chair)
        db.session.commit()
        return s.meeting.id, s.items[0].id, cab


def _explains_itself(page, name: str) -> None:
    card = page.locator("[data-result]").first
    expect(card).to_be_visible()
    expect(card.locator("[data-outcome]")).to_contain_text("Không thông qua")
    rule = card.locator("[data-rule]")
    expect(rule).to_contain_text(NEEDED)
    expect(rule).to_contain_text(RULE)
    g = card.evaluate(GEOMETRY)
    # Readable: not the small grey print of a footnote.
    assert g["ruleSize"] >= g["bodySize"], g
    assert g["ruleColor"] == g["bodyColor"], g
    # The bar is scaled to all 27 members, not to the 18 who could vote.
    assert g["approve"] == pytest.approx(13 / 27, abs=0.01), g
    assert g["markVisible"], g
    assert g["mark"] == pytest.approx(14 / 27, abs=0.01), g
    screenshot(page, name)


def test_result_card_explains_the_rule_and_scales_to_all_members(failed_vote, open_page):
    meeting_id, item_id, cab = failed_vote
    tablet = open_page(cab.members[1], TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live")
    _explains_itself(tablet, "result-explained-tablet-1024x768")
    portrait = open_page(cab.members[2], TABLET_PORTRAIT, f"/meetings/{meeting_id}/live")
    _explains_itself(portrait, "result-explained-tablet-768x1024")
    console = open_page(cab.chair, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live/console")
    _explains_itself(console, "result-explained-console-1024x768")


def test_item_page_after_the_session_explains_the_result(app, failed_vote, open_page):
    meeting_id, item_id, cab = failed_vote
    with app.test_request_context():
        live.close_session(db.session.get(Meeting, meeting_id), cab.chair)
        db.session.commit()
    item = open_page(cab.members[1], TABLET_LANDSCAPE, f"/meetings/items/{item_id}")
    _explains_itself(item, "result-explained-item-1024x768")


def test_result_card_explains_itself_in_english(app, failed_vote, open_page):
    meeting_id, _item_id, cab = failed_vote
    reader = cab.members[3]
    reader.locale = "en"
    db.session.commit()
    page = open_page(reader, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live")
    rule = page.locator("[data-result] [data-rule]")
    expect(rule).to_contain_text("more than half of all members")
    expect(rule).to_contain_text("14 approvals needed out of 27 members")
