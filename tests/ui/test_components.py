"""The shared scripts in a real browser: requests and their acks, the offline queue, meeting
resync after a reconnect, the confirm dialog, local times, countdowns and toasts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from cabinet.db import utcnow
from cabinet.users.models import Role
from tests.conftest import screenshot


@pytest.fixture
def people(committed_db, make_user):
    member = make_user(roles=[Role.MEMBER], name="Trần Văn Minh")
    secretariat = make_user(roles=[Role.SECRETARIAT], name="Nguyễn Thị Hương")
    committed_db.session.commit()
    return member, secretariat


def connected(page) -> None:
    page.locator("#conn-pill[data-state=connected]").wait_for()


def test_request_resolves_on_ok_and_rejects_with_the_server_error(tablet_page, people):
    page = tablet_page(people[0], "/")
    connected(page)
    assert page.evaluate("() => window.__realtime.request('ping.check')") == {"ok": True}
    error = page.evaluate(
        """() => window.__realtime.request('meeting.join', {meeting_id: 987654})
                .then(() => null, (e) => ({name: e.name, code: e.code, message: e.message}))"""
    )
    assert error["name"] == "RequestError"
    assert error["code"] == "not_found"
    assert error["message"]  # the server's message, shown as is


def test_request_made_while_still_connecting_waits_for_the_link(tablet_page, people):
    page = tablet_page(people[0], "/")
    connected(page)
    ack = page.evaluate(
        """async () => {
          const socket = window.__realtime.connect();
          socket.disconnect();  // as if the page had just loaded and not connected yet
          const pending = window.__realtime.request("ping.check");
          socket.connect();
          return await pending;
        }"""
    )
    assert ack == {"ok": True}


def test_retry_request_waits_offline_and_is_sent_once_back(tablet_page, people):
    page = tablet_page(people[0], "/")
    connected(page)
    page.context.set_offline(True)
    page.locator("#conn-pill[data-state=offline]").wait_for()

    # A plain request fails at once while offline; a retryable one is queued with a client id.
    offline = page.evaluate(
        "() => window.__realtime.request('ping.check').then(() => null, (e) => e.code)"
    )
    assert offline == "offline"
    page.evaluate(
        "() => { window.__acked = null; window.__realtime.request('ping.check', {}, {retry: true}).then((a) => { window.__acked = a; }); }"
    )
    queued = page.evaluate("() => window.__realtime.pendingRequests()")
    assert len(queued) == 1 and queued[0]["event"] == "ping.check"
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        queued[0]["data"]["client_id"],
    )
    assert page.locator("#conn-pill .conn-pill__pending").inner_text() == "1"

    page.context.set_offline(False)
    connected(page)
    page.wait_for_function("() => window.__acked !== null")
    assert page.evaluate("() => window.__acked") == {"ok": True}
    assert page.evaluate("() => window.__realtime.pendingRequests().length") == 0
    assert page.locator("#conn-pill .conn-pill__pending").is_hidden()


def test_join_meeting_hands_over_a_fresh_snapshot_after_every_reconnect(
    tablet_page, people, committed_db
):
    from meetings import services

    member, secretariat = people
    meeting = services.create_meeting(
        {
            "title": "Phiên họp thường kỳ tháng 12",
            "starts_at": utcnow() + timedelta(days=5),
            "member_ids": [member.id],
        },
        actor=secretariat,
    )
    services.add_item(meeting, {"title": "Dự án Luật Đất đai (sửa đổi)"}, actor=secretariat)
    services.publish_meeting(meeting, actor=secretariat)
    committed_db.session.commit()

    page = tablet_page(member, "/")
    connected(page)
    page.evaluate(
        """(id) => { window.__states = [];
                     window.__realtime.joinMeeting(id, (s) => window.__states.push(s)); }""",
        meeting.id,
    )
    page.wait_for_function("() => window.__states.length === 1")

    # While the tablet is offline the agenda changes; the rejoin brings the new state.
    page.context.set_offline(True)
    page.locator("#conn-pill[data-state=offline]").wait_for()
    services.add_item(meeting, {"title": "Tình hình kinh tế - xã hội tháng 11"}, actor=secretariat)
    committed_db.session.commit()
    page.context.set_offline(False)
    page.wait_for_function("() => window.__states.length === 2")
    first, second = page.evaluate("() => window.__states.map((s) => JSON.stringify(s))")
    assert "Tình hình kinh tế" not in first
    assert "Tình hình kinh tế" in second
    assert page.locator(".toast--success").first.is_visible()  # "Đã kết nối lại…"


def test_confirm_dialog_guards_a_form_and_keeps_keyboard_focus(tablet_page, people):
    page = tablet_page(people[0], "/")
    expect(page.locator("html")).to_have_attribute("data-ui", "ready")  # ui.js guards forms
    page.evaluate(
        """() => {
          const form = document.createElement("form");
          form.method = "post"; form.action = "/nowhere";
          form.dataset.confirm = "Rút tài liệu này khỏi phiên họp?";
          form.dataset.confirmLabel = "Rút tài liệu";
          form.dataset.confirmKind = "danger";
          form.innerHTML = '<button class="btn btn--danger" id="withdraw">Rút</button>';
          window.__submitted = 0;
          form.addEventListener("submit", (e) => { if (form.dataset.confirmed === "1") { window.__submitted++; } e.preventDefault(); });
          document.getElementById("main").prepend(form);
        }"""
    )
    dialog = page.locator("#confirm-dialog")
    page.locator("#withdraw").focus()
    page.keyboard.press("Enter")
    dialog.wait_for(state="visible")
    assert (
        dialog.locator("[data-confirm-message]").inner_text() == "Rút tài liệu này khỏi phiên họp?"
    )
    assert dialog.locator("[data-confirm-ok]").inner_text() == "Rút tài liệu"
    # A destructive action starts on "Hủy", so a stray Enter cancels.
    assert page.evaluate("() => document.activeElement.value") == "cancel"
    screenshot(page, "ui-confirm-dialog")

    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    page.locator("form[data-confirm]:not([data-confirming])").wait_for(state="attached")
    assert page.evaluate("() => [window.__submitted, document.activeElement.id]") == [0, "withdraw"]

    page.keyboard.press("Enter")
    dialog.wait_for(state="visible")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-confirm-ok')")
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.__submitted === 1")
    dialog.wait_for(state="hidden")
    assert page.evaluate("() => window.__submitted") == 1  # one Enter, one submission


def test_times_are_shown_in_vietnam_time_and_countdowns_tick(tablet_page, people):
    page = tablet_page(people[0], "/")
    deadline = (utcnow() + timedelta(days=2, minutes=5)).isoformat()
    texts = page.evaluate(
        """async (deadline) => {
          const ui = await import("/static/js/ui.js");
          const box = document.createElement("div");
          box.innerHTML = '<time id="t1" datetime="2026-03-05T01:30:00+00:00" data-format="datetime">x</time>'
                        + '<time id="t2" datetime="2026-03-05T20:00:00+00:00" data-format="date">x</time>'
                        + `<time id="c1" data-countdown="${deadline}">x</time>`;
          document.getElementById("main").append(box);
          ui.enhance(box);
          await new Promise((r) => setTimeout(r, 1100));
          return ["t1", "t2", "c1"].map((id) => document.getElementById(id).textContent);
        }""",
        deadline,
    )
    assert "08:30" in texts[0]  # 01:30 UTC is 08:30 in Hà Nội
    assert "6" in texts[1] and "2026" in texts[1]  # 20:00 UTC on the 5th is already the 6th
    assert re.fullmatch(r"còn (2 ngày|1 ngày 23 giờ)", texts[2]), texts[2]


def test_toast_announces_and_can_be_closed(tablet_page, people):
    page = tablet_page(people[0], "/")
    page.evaluate("async () => (await import('/static/js/ui.js')).toast('Đã lưu ý kiến', 'error')")
    toast = page.locator(".toast--error")
    assert toast.inner_text().strip() == "Đã lưu ý kiến"
    assert toast.get_attribute("role") == "alert"
    assert page.locator("#toasts").get_attribute("aria-live") == "polite"
    toast.locator("button").click()
    assert page.locator(".toast--error").count() == 0
