"""The signing order (Decree 30/2020), the seal's place, and voiding an unused number."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select

from cabinet.config import Settings
from cabinet.db import db
from cabinet.errors import InvalidState, ValidationFailed
from records import decree30, numbering, services
from records.decree30 import Mark, Signer
from records.models import RecordState, RegisterEntry


def test_minutes_keep_secretary_then_chair():
    order = decree30.signing_order("minutes", "decree30")
    assert [s.signer for s in order] == [Signer.SECRETARY, Signer.CHAIR]
    assert decree30.number_before_signing(order)


def test_decree30_chair_signs_first_with_image_then_the_organisation_seal():
    assert Settings.from_env({}).decision_signing_order == "decree30"  # the default
    order = decree30.signing_order("decision", "decree30")
    assert [(s.signer, s.mark) for s in order] == [
        (Signer.CHAIR, Mark.SIGNATURE_IMAGE),
        (Signer.ORGANISATION, Mark.SEAL),
    ]
    assert order[0].issues_number and not decree30.number_before_signing(order)
    assert decree30.next_step(order, []) == order[0]
    assert decree30.next_step(order, [Signer.CHAIR]) == order[1]
    assert decree30.next_step(order, [Signer.CHAIR, Signer.ORGANISATION]) is None
    with pytest.raises(ValueError):
        decree30.next_step(order, [Signer.ORGANISATION])


def test_a_ministry_may_keep_the_secretary_first_order():
    order = decree30.signing_order("decision", "secretary_first")
    assert [s.signer for s in order] == [Signer.SECRETARY, Signer.CHAIR]
    assert decree30.number_before_signing(order)


def test_the_seal_covers_the_left_third_of_the_signature():
    chair = (340.0, 100.0, 550.0, 162.0)
    x1, y1, x2, y2 = decree30.seal_box(chair)
    assert x2 == pytest.approx(340 + 210 / 3, abs=0.01)  # right edge at one third
    assert x1 < chair[0] < x2  # overlaps the signature from its left
    assert (y1 + y2) / 2 == pytest.approx((100 + 162) / 2)
    assert x2 - x1 == pytest.approx(decree30.SEAL_DIAMETER_PT, abs=0.01)


def test_seal_text_has_organisation_and_iso_8601_time(app):
    from datetime import UTC, datetime

    text = decree30.seal_text(datetime(2026, 12, 3, 3, 15, 9, 123, tzinfo=UTC))
    assert text == "CHÍNH PHỦ\n2026-12-03T10:15:09+07:00"


def test_seal_and_signature_images_are_transparent_pngs():
    for data in (decree30.seal_png(), decree30.signature_png("Nguyễn Văn An")):
        image = Image.open(BytesIO(data))
        assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0


def test_an_issued_unsigned_decision_number_can_be_voided(closed_session):
    s = closed_session
    services.ensure_minutes(s.meeting, s.cab.secretariat)
    record = services.draft_resolution(s.meeting, actor=s.cab.secretariat)
    services.issue_decision(record, actor=s.cab.secretariat)
    entry = record.register_entry
    with pytest.raises(ValidationFailed):
        services.void_decision_number(record, reason="  ", actor=s.cab.secretariat)
    services.void_decision_number(
        record, reason="Sai sót nội dung, ban hành lại", actor=s.cab.secretariat
    )
    assert record.state == RecordState.DRAFT and record.register_entry is None
    kept = db.session.get(RegisterEntry, entry.id)
    assert kept.voided_at and kept.void_reason == "Sai sót nội dung, ban hành lại"
    assert kept.voided_by_id == s.cab.secretariat.id
    with pytest.raises(InvalidState):
        numbering.void_entry(kept, reason="lần nữa", actor=s.cab.secretariat)
    # Re-issued: the next number, the voided one is never reused.
    services.issue_decision(record, actor=s.cab.secretariat)
    assert record.register_entry.number == kept.number + 1
    numbers = db.session.scalars(select(RegisterEntry.number).where(RegisterEntry.doc_type == "NQ"))
    assert sorted(numbers) == [kept.number, kept.number + 1]
    with pytest.raises(InvalidState):
        services.void_decision_number(
            services.draft_resolution(s.meeting, actor=s.cab.secretariat),
            reason="x",
            actor=s.cab.secretariat,
        )
