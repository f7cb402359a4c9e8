"""In the browser: a member casts a secret vote (sealed on the tablet), reloads, drops and
comes back; after the close the tablet finds its receipt token in the published list.
localStorage never holds the choice."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.conftest import DESKTOP, TABLET_LANDSCAPE, TABLET_PORTRAIT
from tests.meetings.live.test_live_browser import small_cabinet  # noqa: F401  (fixture)

CHOICE_WORDS = ("approve", "disapprove", "abstain", "Tán thành", "Không tán thành")


def storage(page) -> dict:
    """Everything the tablet keeps in localStorage."""
    return json.loads(page.evaluate("JSON.stringify(Object.assign({}, localStorage))"))


def assert_no_choice(page) -> None:
    """No choice, in any spelling, anywhere in the tablet's storage."""
    kept = json.dumps(storage(page), ensure_ascii=False)
    assert not any(word in kept for word in CHOICE_WORDS), kept


def test_secret_ballot_sealed_resent_and_found_after_close(small_cabinet, open_page):  # noqa: F811
    meeting_id, (chair, first, second) = small_cabinet
    console = open_page(chair, DESKTOP, f"/meetings/{meeting_id}/live/console")
    tablet_a = open_page(first, TABLET_LANDSCAPE, f"/meetings/{meeting_id}/live")
    tablet_b = open_page(second, TABLET_PORTRAIT, f"/meetings/{meeting_id}/live")
    console.get_by_role("button", name="Khai mạc phiên họp").click()
    console.get_by_role("dialog").get_by_role(
        "button", name="Khai mạc phiên họp"
    ).click()  # confirmed in the dialog
    for tablet in (tablet_a, tablet_b):
        expect(tablet.locator("#now-banner")).to_contain_text("mục 1")
        tablet.get_by_role("button", name="Có mặt tại phòng họp").click()
        expect(tablet.locator("#checkin-status")).to_contain_text("Bạn đã điểm danh")

    console.locator("#f-question").fill("Bầu thành viên Hội đồng thẩm định?")
    console.locator("input[name=kind][value=secret]").check()
    console.get_by_role("button", name="Mở biểu quyết").click()
    for tablet in (tablet_a, tablet_b):
        expect(tablet.locator(".vote-panel__question")).to_contain_text("Bầu thành viên")

    # A casts, reloads (the receipt comes back from the server), drops and returns.
    tablet_a.locator("label.choice--approve").click()
    expect(tablet_a.locator("[data-receipt]")).to_contain_text("Phiếu kín của bạn đã được ghi nhận")
    assert_no_choice(tablet_a)
    tablet_a.reload()
    expect(tablet_a.locator("[data-receipt]")).to_contain_text("Phiếu kín của bạn đã được ghi nhận")
    assert_no_choice(tablet_a)
    tablet_a.context.set_offline(True)
    expect(tablet_a.locator("#conn-pill")).not_to_have_attribute(
        "data-state", "connected", timeout=40_000
    )
    tablet_a.context.set_offline(False)
    expect(tablet_a.locator("#conn-pill")).to_have_attribute(
        "data-state", "connected", timeout=30_000
    )

    # B votes while offline: the sealed ballot waits (ciphertext only) and goes out on return.
    tablet_b.context.set_offline(True)
    expect(tablet_b.locator("#conn-pill")).not_to_have_attribute(
        "data-state", "connected", timeout=40_000
    )
    tablet_b.locator("label.choice--disapprove").click()
    expect(tablet_b.locator("[data-receipt]")).to_contain_text("Đang gửi phiếu")
    for _ in range(50):  # sealing loads libsodium first: wait for the kept ciphertext
        if "ciphertext" in json.dumps(storage(tablet_b)):
            break
        tablet_b.wait_for_timeout(100)
    assert "ciphertext" in json.dumps(storage(tablet_b))
    assert_no_choice(tablet_b)
    tablet_b.context.set_offline(False)
    expect(tablet_b.locator("[data-receipt]")).to_contain_text(
        "Phiếu kín của bạn đã được ghi nhận", timeout=30_000
    )
    expect(console.locator("#vote-progress")).to_contain_text("2 / 3")
    expect(console.locator("#vote-tally")).to_have_text("")  # no running tally, even the chair
    assert "ciphertext" not in json.dumps(storage(tablet_b))

    console.get_by_role("button", name="Kết thúc biểu quyết").click()
    console.get_by_role("dialog").get_by_role(
        "button", name="Kết thúc biểu quyết"
    ).click()  # confirmed in the dialog
    for tablet in (tablet_a, tablet_b):
        expect(tablet.locator("[data-counts]")).to_contain_text("Tán thành 1 · Không tán thành 1")
        expect(tablet.locator("[data-ballot-check=counted]")).to_contain_text(
            "Phiếu của bạn đã được kiểm"
        )
        assert_no_choice(tablet)
        assert "token" not in json.dumps(storage(tablet))  # the token is forgotten once checked
    tablet_a.reload()
    expect(tablet_a.locator("[data-ballot-check=counted]")).to_be_visible()
    assert_no_choice(tablet_a)
