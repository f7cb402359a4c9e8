"""The chair, on a tablet, opens the final minutes, signs with his passphrase and downloads the
signed PDF; screenshots at 1024×768 and 768×1024."""

from __future__ import annotations

import threading

from playwright.sync_api import expect

from cabinet.db import db
from cabinet.signing import verify_pdf
from cabinet.users.models import User
from records import services
from records.models import Minutes
from records.signing import sign_record, trust_roots
from tests.conftest import TABLET_PORTRAIT, screenshot

from .conftest import PASSPHRASES, fill_and_finalize, hold_session, issue_keystore


def in_thread(app, fn, *args):
    """Run `fn` in its own thread and app context: pyHanko signs and validates through
    asyncio.run, which cannot nest inside Playwright's running event loop."""
    results: list = []
    errors: list = []

    def run():
        with app.app_context():
            try:
                results.append(fn(*args))
            except BaseException as exc:  # re-raised in the test's thread
                errors.append(exc)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


def _sign_as_secretary(minutes_id: int, secretary_id: int) -> None:
    minutes = db.session.get(Minutes, minutes_id)
    sign_record(minutes, db.session.get(User, secretary_id), PASSPHRASES["secretary"])
    db.session.commit()


def test_chair_signs_the_minutes_on_a_tablet(
    app, committed_db, make_cabinet, tablet_page, tmp_path
):
    cab = make_cabinet(27)
    session = hold_session(cab)
    issue_keystore(cab.secretariat, PASSPHRASES["secretary"])
    issue_keystore(cab.chair, PASSPHRASES["chair"])
    minutes = services.ensure_minutes(session.meeting, cab.secretariat)
    fill_and_finalize(minutes, cab)
    db.session.commit()
    minutes_id, meeting_id, secretary_id = minutes.id, session.meeting.id, cab.secretariat.id
    db.session.remove()
    in_thread(app, _sign_as_secretary, minutes_id, secretary_id)

    page = tablet_page(cab.chair, f"/records/meetings/{meeting_id}/minutes")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Biên bản phiên họp")
    expect(page.locator("#signing")).to_contain_text("Đang chờ ký")
    screenshot(page, "records-minutes-chair-tablet")

    page.get_by_role("button", name="Ký số").click()
    dialog = page.locator("#sign-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Mật khẩu ký số").fill("sai-mat-khau-roi")
    dialog.get_by_role("button", name="Ký", exact=True).click()
    expect(dialog.locator("[data-sign-error]")).to_contain_text("mật khẩu ký số không đúng")
    screenshot(page, "records-sign-dialog-error-tablet")
    dialog.get_by_label("Mật khẩu ký số").fill(PASSPHRASES["chair"])
    dialog.get_by_role("button", name="Ký", exact=True).click()
    expect(page.locator("#signing")).to_contain_text(
        "Biên bản đã được ký đủ và khóa.", timeout=15_000
    )
    expect(page.locator(".page-header")).to_contain_text("Đã ký số và khóa")
    screenshot(page, "records-minutes-signed-tablet")

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải PDF đã ký").click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert download.suggested_filename == f"bien-ban-{meeting_id}-da-ky.pdf"
    report = in_thread(app, lambda: verify_pdf(path.read_bytes(), trust_roots()))
    assert report.ok and [s.signer_name for s in report.signatures] == [
        cab.secretariat.name,
        cab.chair.name,
    ]

    page.set_viewport_size(TABLET_PORTRAIT)
    page.reload()
    expect(page.locator("#signing")).to_contain_text("Đã ký")
    screenshot(page, "records-minutes-signed-tablet-portrait")
    assert minutes_id
