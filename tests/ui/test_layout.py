"""The layout in a real browser: font, no sideways scrolling on tablets, the connection pill, axe."""

from __future__ import annotations

from pathlib import Path

import pytest

from cabinet.users.models import Role
from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot

VIEWPORTS = {"landscape": TABLET_LANDSCAPE, "portrait": TABLET_PORTRAIT}
ROOT = Path(__file__).resolve().parents[2]

FONT_LOADED = """async () => {
  await document.fonts.ready;
  const faces = [...document.fonts].filter((f) => f.family.replace(/"/g, "") === "Be Vietnam Pro");
  return {
    loaded: faces.filter((f) => f.status === "loaded").length,
    check: document.fonts.check('18px "Be Vietnam Pro"', "Phiên họp điện tử"),
    family: getComputedStyle(document.body).fontFamily,
    size: parseFloat(getComputedStyle(document.body).fontSize),
  };
}"""

AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}"""


def assert_fits(page) -> None:
    """No horizontal scrolling: the document is not wider than the viewport."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px viewport"


def assert_font(page) -> None:
    """Be Vietnam Pro comes from static/vendor and is the body font, at least 17 px."""
    font = page.evaluate(FONT_LOADED)
    assert font["loaded"] >= 1, font
    assert font["check"], font
    assert font["family"].startswith('"Be Vietnam Pro"'), font
    assert font["size"] >= 17, font


def assert_no_serious_axe_violations(page, base_url: str) -> None:
    page.add_script_tag(url=f"{base_url}/static/vendor/axe/axe.min.js")
    violations = page.evaluate(AXE)
    assert violations == []


@pytest.fixture
def member(committed_db, make_user):
    user = make_user(roles=[Role.MEMBER], name="Lê Thị Hồng Nhung", title="Bộ trưởng Bộ Tư pháp")
    committed_db.session.commit()
    return user


def test_vendored_assets_are_present():
    vendor = ROOT / "static" / "vendor"
    assert (vendor / "socket.io" / "socket.io.esm.min.js").is_file()
    assert (vendor / "pdfjs" / "pdf.mjs").is_file() and (
        vendor / "pdfjs" / "pdf.worker.mjs"
    ).is_file()
    assert (vendor / "pdfjs" / "cmaps").is_dir() and (vendor / "pdfjs" / "standard_fonts").is_dir()
    assert (vendor / "axe" / "axe.min.js").is_file()
    fonts = sorted(p.name for p in (vendor / "fonts" / "be-vietnam-pro").glob("*.woff2"))
    assert len(fonts) == 12
    assert all(
        any(f"-{s}-" in name for s in ("vietnamese", "latin", "latin-ext")) for name in fonts
    )


@pytest.mark.parametrize("orientation", VIEWPORTS)
def test_sign_in_page_layout(open_page, live_server, orientation):
    page = open_page(None, VIEWPORTS[orientation], "/sign-in")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("meta[name=csrf-token]").get_attribute("content")
    assert_font(page)
    assert_fits(page)
    assert page.locator("#conn-pill").count() == 0  # no socket for anonymous visitors
    screenshot(page, f"ui-sign-in-{orientation}")
    assert_no_serious_axe_violations(page, live_server)


@pytest.mark.parametrize("orientation", VIEWPORTS)
def test_signed_in_layout(tablet_page, live_server, member, orientation):
    page = tablet_page(member, "/", viewport=VIEWPORTS[orientation])
    header = page.locator(".site-header")
    assert "Lê Thị Hồng Nhung" in header.inner_text()
    assert page.locator("form[action$='/sign-out'] button").is_visible()
    page.locator("#conn-pill[data-state=connected]").wait_for()
    assert page.locator("#conn-pill .conn-pill__text").inner_text() == "Đã kết nối"
    assert_font(page)
    assert_fits(page)
    screenshot(page, f"ui-home-{orientation}")
    assert_no_serious_axe_violations(page, live_server)


NAV_CLIPPED = """() => {
  const list = document.querySelector(".site-nav__list").getBoundingClientRect();
  return [...document.querySelectorAll(".site-nav__link")]
    .filter((a) => {
      const r = a.getBoundingClientRect();
      return r.left < list.left - 1 || r.right > list.right + 1 || r.right > window.innerWidth;
    })
    .map((a) => a.textContent.trim());
}"""


@pytest.mark.parametrize("orientation", VIEWPORTS)
def test_every_nav_tab_is_fully_visible(tablet_page, committed_db, make_user, orientation):
    # The widest nav: every feature tab the roles can reach.
    user = make_user(roles=[Role.SECRETARIAT, Role.CHAIR, Role.MEMBER, Role.ADMIN])
    committed_db.session.commit()
    page = tablet_page(user, "/", viewport=VIEWPORTS[orientation])
    assert page.locator(".site-nav__link").count() >= 5
    assert page.evaluate(NAV_CLIPPED) == []
    assert_fits(page)
    screenshot(page, f"ui-nav-{orientation}")


def test_connection_pill_follows_the_network(tablet_page, member):
    page = tablet_page(member, "/")
    pill = page.locator("#conn-pill")
    page.locator("#conn-pill[data-state=connected]").wait_for()

    page.context.set_offline(True)
    page.locator("#conn-pill[data-state=offline]").wait_for()
    assert pill.inner_text().strip() == "Mất kết nối"
    assert page.locator("#conn-announcer").inner_text() == "Mất kết nối"
    screenshot(page, "ui-pill-offline")

    page.context.set_offline(False)
    page.locator("#conn-pill[data-state=connected]").wait_for()
    assert pill.inner_text().strip() == "Đã kết nối"


def test_skip_link_is_the_first_stop_for_the_keyboard(tablet_page, member):
    page = tablet_page(member, "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.className, document.activeElement.getAttribute('href')]"
    )
    assert focused == ["skip-link", "#main"]
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # moved on screen when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
