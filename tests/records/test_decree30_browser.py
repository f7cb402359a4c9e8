"""The office's step of the Decree 30 order in the browser: after the chair has signed, the
clerk (secretariat) opens the resolution, sees the order and whose turn it is, and numbers,
dates and seals it with the organisation's passphrase; screenshots at 1024×768 and 768×1024."""

from __future__ import annotations

from playwright.sync_api import expect

from cabinet.db import db
from cabinet.users.models import User
from records import services
from records.models import DecisionRecord, RecordState
from records.signing import sign_record
from tests.conftest import TABLET_PORTRAIT, screenshot

from .conftest import PASSPHRASES, demo_ca, hold_session, issue_keystore
from .test_records_browser import in_thread


def _chair_signs(record_id: int, chair_id: int) -> None:
    record = db.session.get(DecisionRecord, record_id)
    sign_record(record, db.session.get(User, chair_id), PASSPHRASES["chair"])
    db.session.commit()


def test_the_office_numbers_and_seals_after_the_chair(app, committed_db, make_cabinet, tablet_page):
    from cabinet.config import settings
    from records.decree30 import issue_organisation_keystore

    cab = make_cabinet(27)
    session = hold_session(cab)
    issue_keystore(cab.chair, PASSPHRASES["chair"])
    issue_organisation_keystore(
        demo_ca(), settings().keys_dir, passphrase=PASSPHRASES["organisation"], overwrite=True
    )
    services.ensure_minutes(session.meeting, cab.secretariat)
    record = services.draft_resolution(session.meeting, actor=cab.secretariat)
    services.issue_decision(record, actor=cab.secretariat)
    db.session.commit()
    record_id, chair_id = record.id, cab.chair.id
    db.session.remove()

    page = tablet_page(cab.secretariat, f"/records/decisions/{record_id}")
    signing = page.locator("#signing")
    expect(signing).to_contain_text("Chủ tọa")
    expect(signing).to_contain_text("Văn thư")
    expect(page.get_by_role("button", name="Ký số")).to_have_count(0)  # not the office's turn
    in_thread(app, _chair_signs, record_id, chair_id)

    page.reload()
    expect(page.locator(".page-header")).to_contain_text("chờ văn thư cấp số và đóng dấu")
    expect(signing.locator(".sign-step--current")).to_contain_text("Văn thư")
    screenshot(page, "records-resolution-office-step-tablet")
    page.get_by_role("button", name="Ký số").click()
    dialog = page.locator("#sign-dialog")
    expect(dialog).to_contain_text("con dấu của cơ quan")
    dialog.get_by_label("Mật khẩu ký số").fill(PASSPHRASES["organisation"])
    screenshot(page, "records-resolution-office-dialog-tablet")
    dialog.get_by_role("button", name="Ký", exact=True).click()
    expect(page.locator(".page-header")).to_contain_text("Đã ký số và khóa", timeout=120_000)
    expect(page.locator(".page-header")).to_contain_text("/NQ-CP")
    screenshot(page, "records-resolution-sealed-tablet")
    page.set_viewport_size(TABLET_PORTRAIT)
    page.reload()
    expect(signing.locator(".sign-step--done")).to_have_count(2)
    screenshot(page, "records-resolution-sealed-tablet-portrait")
    state = in_thread(app, lambda: db.session.get(DecisionRecord, record_id).state)
    assert state == RecordState.LOCKED
