"""Issue 16, finding 13 (smaller points): mails link to the port the server listens on; switching
the language says it is stored on the account (over HTTP and in the browser, in the language
just chosen)."""

from __future__ import annotations

from playwright.sync_api import expect

from cabinet.config import Settings
from cabinet.db import db
from tests.conftest import TABLET_LANDSCAPE, screenshot, sign_in


def test_the_public_url_follows_the_port(tmp_path):
    base = {"ECABINET_INSTANCE_PATH": str(tmp_path)}
    assert Settings.from_env(base).public_url == "http://127.0.0.1:5000"
    assert Settings.from_env({**base, "ECABINET_PORT": "8080"}).public_url == (
        "http://127.0.0.1:8080"
    )
    told = {**base, "ECABINET_PORT": "8080", "ECABINET_PUBLIC_URL": "https://hop.gov.vn/"}
    assert Settings.from_env(told).public_url == "https://hop.gov.vn"


def test_choosing_a_language_says_it_is_kept_on_the_account(db, client, make_user):
    user = make_user()
    sign_in(client, user)
    page = client.post(
        "/locale", data={"locale": "en", "next": "/meetings/my"}, follow_redirects=True
    )
    assert user.locale == "en"
    assert "Language saved to your account" in page.get_data(as_text=True)


def test_the_language_switch_says_in_the_browser_that_it_is_kept(
    committed_db, make_user, open_page
):
    user = make_user()
    db.session.commit()
    page = open_page(user, TABLET_LANDSCAPE, "/meetings/my")
    page.get_by_role("button", name="English").click()
    note = page.locator("#flashes [role=status]")
    expect(note).to_contain_text("Language saved to your account")
    expect(note).not_to_contain_text("Đã lưu ngôn ngữ")
    screenshot(page, "language-kept-on-account-en")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("#flashes [role=status]")).to_contain_text("Đã lưu ngôn ngữ vào tài khoản")
    db.session.expire_all()
    assert user.locale == "vi"
