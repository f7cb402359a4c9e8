"""The signing order (Decree 30/2020), the seal's place, and voiding an unused number."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image
from pyhanko.pdf_utils.generic import ArrayObject, NameObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader
from sqlalchemy import select

from cabinet.config import Settings
from cabinet.dates import local
from cabinet.db import db
from cabinet.errors import InvalidState, ValidationFailed
from cabinet.signing.issuance import field_values, fill_text_fields
from records import decree30, numbering, services
from records.decree30 import Mark, Signer
from records.models import (
    NotTheSigner,
    RecordState,
    RegisterEntry,
    SignatureEvent,
    SignerRole,
    SigningOutOfOrder,
)
from records.render import issue_slots
from records.signing import WrongPassphrase, sign_record, store
from records.verify import verify_document

from .conftest import PASSPHRASES, sign_decision_decree30


def stored(sha: str) -> bytes:
    with store().open(sha) as handle:
        return handle.read()


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


def test_an_issued_unsigned_decision_number_can_be_voided(closed_session, secretary_first):
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


# ---- the order, wired into records' signing (Decree 30/2020) ----


def _widgets(data: bytes) -> dict[str, tuple[int, tuple[float, ...]]]:
    """Field name → (0-based page, rectangle) of every widget."""
    reader = PdfReader(BytesIO(data))
    found = {}
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if "/T" in annot:
                found[str(annot["/T"])] = (number, tuple(float(v) for v in annot["/Rect"]))
    return found


def test_resolution_chair_signs_then_office_numbers_and_seals(closed_session, keystores):
    s = closed_session
    cab = s.cab
    services.ensure_minutes(s.meeting, cab.secretariat)
    record = services.draft_resolution(s.meeting, actor=cab.secretariat)
    services.issue_decision(record, actor=cab.secretariat)
    # Made final for signing without a number: a draft never holds one.
    assert record.state == RecordState.FINAL and record.register_entry is None
    assert record.awaiting == SignerRole.CHAIR
    unsigned = stored(record.pdf_sha256)
    assert {"sig-chair", "issue-number", "issue-date"} <= set(
        PdfReader(BytesIO(unsigned)).named_destinations
    )
    assert "sig-secretary" not in PdfReader(BytesIO(unsigned)).named_destinations

    # The office may not number or seal before the competent person signs.
    with pytest.raises(SigningOutOfOrder) as early:
        sign_record(record, cab.secretariat, PASSPHRASES["organisation"])
    assert "Nghị định 30/2020" in str(early.value) and "chủ tọa" in str(early.value)
    with pytest.raises(NotTheSigner) as stranger:
        sign_record(record, cab.members[3], "whatever-passphrase")
    assert "1. chủ tọa" in str(stranger.value) and "2. văn thư" in str(stranger.value)

    sign_record(record, cab.chair, PASSPHRASES["chair"])
    assert record.state == RecordState.SIGNED_BY_CHAIR and record.register_entry is None
    with pytest.raises(SigningOutOfOrder) as twice:
        sign_record(record, cab.chair, PASSPHRASES["chair"])
    assert "văn thư" in str(twice.value)
    with pytest.raises(WrongPassphrase):
        sign_record(record, cab.secretariat, "not-the-seal-passphrase")
    assert record.register_entry is None  # a refused seal takes no number

    event = sign_record(record, cab.secretariat, PASSPHRASES["organisation"])
    assert event.role == SignerRole.ORGANISATION and event.signer_id == cab.secretariat.id
    assert record.state == RecordState.LOCKED
    entry = record.register_entry
    assert entry.symbol.endswith("/NQ-CP") and entry.final_sha256 == record.pdf_sha256
    assert record.issued_at is not None
    signed = stored(record.pdf_sha256)
    values = field_values(signed)
    assert values["so"] == entry.symbol.split("/")[0]
    assert (
        values["ngay"].startswith("Hà Nội, ngày ")
        and str(local(entry.issued_at).year) in (values["ngay"])
    )

    # Page 1 / the signature block: the chair's image in his block, the seal over its left third.
    widgets = _widgets(signed)
    chair_page, chair = widgets["chair"]
    seal_page, seal = widgets["organisation"]
    assert chair_page == seal_page
    assert seal == pytest.approx(decree30.seal_field_box(chair), abs=0.05)
    circle = decree30.seal_box(chair)
    assert seal[2] == pytest.approx(chair[0] + (chair[2] - chair[0]) / 3, abs=0.05)
    assert seal[0] == circle[0] and seal[3] == circle[3]  # the seal itself, text under it
    assert widgets["so"][0] == 0 and widgets["ngay"][0] == 0  # number and date on page 1

    result = verify_document(signed)
    assert result["ok"], result["text"]
    chair_sig = next(sig for sig in result["signatures"] if sig["field_name"] == "chair")
    assert chair_sig["certifying"] and not chair_sig["display_changed"]
    assert any("dành sẵn khi ký được điền" in label for label in chair_sig["change_labels"])
    assert [sig["field_name"] for sig in result["signatures"]] == ["chair", "organisation"]
    with pytest.raises(SigningOutOfOrder):
        sign_record(record, cab.secretariat, PASSPHRASES["organisation"])


def test_a_number_filled_in_after_the_seal_is_refused(closed_session, keystores):
    """Writing another number into the field after the organisation's signature is caught."""
    s = closed_session
    services.ensure_minutes(s.meeting, s.cab.secretariat)
    record = services.draft_resolution(s.meeting, actor=s.cab.secretariat)
    services.issue_decision(record, actor=s.cab.secretariat)
    sign_decision_decree30(record, s.cab)
    signed = stored(record.pdf_sha256)
    writer = IncrementalPdfFileWriter(BytesIO(signed), strict=False)
    fill_text_fields(writer, issue_slots(stored(_first_pdf(record))), {"so": "99"})
    out = BytesIO()
    writer.write(out)
    result = verify_document(out.getvalue())
    assert not result["ok"]
    for sig in result["signatures"]:
        assert sig["display_changed"] and sig["status"] != "valid"


def _first_pdf(record) -> str:
    return db.session.scalars(
        select(SignatureEvent.sha256_before)
        .where(SignatureEvent.record_id == record.id, SignatureEvent.record_type == "decision")
        .order_by(SignatureEvent.id)
    ).first()


def test_tampered_copies_of_a_decree30_resolution_are_refused(closed_session, keystores):
    """The tampering cases on a resolution signed in the Decree 30 order (the filled number and
    date must not open a door): each refused, no signature called valid."""
    from .test_pades_lta import TAMPERING, _finish, _writer

    def removed_seal(data: bytes) -> bytes:
        writer = _writer(data)
        acroform = writer.root["/AcroForm"]
        form_fields = acroform["/Fields"]
        kept = [
            form_fields.raw_get(i)
            for i in range(len(form_fields))
            if form_fields[i]["/T"] != "organisation"
        ]
        acroform[NameObject("/Fields")] = ArrayObject(kept)
        writer.update_container(acroform)
        return _finish(writer)

    s = closed_session
    services.ensure_minutes(s.meeting, s.cab.secretariat)
    record = services.draft_resolution(s.meeting, actor=s.cab.secretariat)
    services.issue_decision(record, actor=s.cab.secretariat)
    sign_decision_decree30(record, s.cab)
    signed = stored(record.pdf_sha256)
    assert verify_document(signed)["ok"]
    attacks = {**TAMPERING, "removed_last_signature": removed_seal}
    for attack, tamper in attacks.items():
        result = verify_document(tamper(signed))
        assert not result["ok"] and result["verdict"] == "invalid", (attack, result["text"])
        for sig in result["signatures"]:
            if attack != "byte_flip" or sig.get("display_changed"):
                assert not sig["ok"] and sig["status_label"] != "Hợp lệ", (attack, sig)
        if attack == "removed_last_signature":
            assert [sig["field_name"] for sig in result["signatures"]] == ["chair"]
