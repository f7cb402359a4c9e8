"""In the browser: a tablet that missed a broadcast (the change committed, its message lost) is
healed by the next heartbeat — it shows "updating…", resyncs, and shows the change."""

from __future__ import annotations

from playwright.sync_api import expect

from cabinet import heartbeat
from cabinet.db import db
from meetings.models import AgendaItem, Meeting
from tests.conftest import TABLET_LANDSCAPE
from tests.meetings.live.test_live_browser import small_cabinet  # noqa: F401  (fixture)


def test_a_lost_broadcast_is_healed_by_the_heartbeat(app, small_cabinet, open_page):  # noqa: F811
    meeting_id, (_chair, member, _other) = small_cabinet
    tablet = open_page(member, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live")
    tablet.wait_for_function(
        f"() => typeof window.__realtime?.debugState().revisions[{meeting_id}] === 'number'"
    )
    held = tablet.evaluate(f"() => window.__realtime.debugState().revisions[{meeting_id}]")
    tablet.evaluate(
        """() => { window.__syncs = [];
        document.addEventListener('realtime:syncing', (e) => window.__syncs.push(e.detail.syncing)); }"""
    )
    # A change committed whose broadcast never arrived (Redis down, a worker restarting).
    item = db.session.query(AgendaItem).filter_by(meeting_id=meeting_id, position=1).one()
    item.title = "Dự án Luật Đất đai (sửa đổi) — bản trình lại"
    db.session.execute(
        Meeting.__table__.update().where(Meeting.id == meeting_id).values(revision=held + 1)
    )
    db.session.commit()
    expect(tablet.get_by_text("bản trình lại").first).to_have_count(0)

    assert heartbeat.beat(app) == 1
    expect(tablet.get_by_text("bản trình lại").first).to_be_visible()
    tablet.wait_for_function("() => window.__syncs.length >= 2")
    assert tablet.evaluate("() => window.__syncs") == [True, False]
    assert tablet.evaluate(f"() => window.__realtime.debugState().revisions[{meeting_id}]") == (
        held + 1
    )
    expect(tablet.locator("#conn-pill")).not_to_have_attribute("data-syncing", "")
