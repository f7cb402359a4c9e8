"""Records that stay valid for decades: PAdES B-LTA against the running demo PKI (no mocks).

Every signature is timestamped by the TSA, the revocation data of every chain sits in the DSS,
and a document timestamp covers it all; validation is hard-fail against the OCSP responder and
the CRLs. A certificate revoked after signing or expired since does not void the record; one
revoked before signing cannot sign; tampered copies are refused with labels that say what
changed, never "valid".
"""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

import pytest
from cryptography import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature
from pyhanko.sign.validation.ades import ades_lta_validation

from cabinet.config import settings
from cabinet.db import db
from cabinet.pki import TrustPolicy, revoke
from cabinet.pki.authority import certificates_of
from cabinet.signing import Pkcs12Signer, sign_pdf, user_p12_path
from cabinet.signing.loop import off_event_loop
from records import services
from records.models import RecordState, SignatureEvent
from records.signing import CertificateRevoked, sign_record, store, trust_policy
from records.verify import verify_document
from tests.cabinet.test_signing_helpers import nss_db_trusting, pdfsig

from .conftest import PASSPHRASES, demo_ca, fill_and_finalize, sign_decision_decree30


def stored(sha: str) -> bytes:
    with store().open(sha) as handle:
        return handle.read()


@pytest.fixture
def signed_minutes(closed_session, keystores):
    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    fill_and_finalize(minutes, s.cab)
    unsigned = stored(minutes.pdf_sha256)
    sign_record(minutes, s.cab.secretariat, PASSPHRASES["secretary"])
    halfway = stored(minutes.pdf_sha256)
    sign_record(minutes, s.cab.chair, PASSPHRASES["chair"])
    db.session.commit()
    return {
        "record": minutes,
        "unsigned": unsigned,
        "halfway": halfway,
        "signed": stored(minutes.pdf_sha256),
    }


def _certificate_of(user) -> x509.Certificate:
    entry = certificates_of(settings().keys_dir, user.email)[-1]
    return x509.load_pem_x509_certificate(entry["pem"].encode())


def _pyhanko_lta(data: bytes, policy: TrustPolicy) -> list:
    async def run():
        reader = PdfFileReader(io.BytesIO(data))
        return [
            await ades_lta_validation(sig, policy.ades_spec())
            for sig in reader.embedded_regular_signatures
        ]

    # Off the event loop a browser test may have left running in this thread.
    return off_event_loop(asyncio.run)(run())


def test_minutes_and_resolution_are_b_lta_hard_fail_and_pdfsig_accepts(
    signed_minutes, closed_session, tmp_path
):
    s = closed_session
    resolution = services.draft_resolution(s.meeting, actor=s.cab.secretariat)
    services.issue_decision(resolution, actor=s.cab.secretariat)
    sign_decision_decree30(resolution, s.cab)  # the chair, then the office's number and seal
    db.session.commit()
    hard_fail = TrustPolicy(tuple(trust_policy().roots), "hard-fail")
    assert settings().revocation_mode == "hard-fail"
    nss = nss_db_trusting(tmp_path / "nss", demo_ca().cert)
    for name, data, names in (
        ("minutes", signed_minutes["signed"], ("secretary", "chair")),
        ("nq", stored(resolution.pdf_sha256), ("chair", "organisation")),
    ):
        # pyHanko's own AdES long-term validation (ETSI EN 319 102-1): passed for each signature
        for result in _pyhanko_lta(data, hard_fail):
            assert result.ades_subindic == AdESPassed.OK, result.failure_msg
            assert result.oldest_evidence_record_timestamp is not None
        # the DSS holds OCSP responses for every certificate below the root, and the chains
        reader = PdfFileReader(io.BytesIO(data))
        dss = DocumentSecurityStore.read_dss(reader)
        assert len(dss.ocsps) >= 4 and len(list(dss.load_certs())) >= 5
        assert len(reader.embedded_timestamp_signatures) == 1

        result = verify_document(data)
        assert result["ok"], result["text"]
        assert result["level"] == "B-LTA" and result["horizon"]
        assert {sig["level"] for sig in result["signatures"]} == {"B-LTA"}

        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        report = pdfsig(path, nss)  # poppler asks the OCSP responder too
        for field in names:
            assert report[field]["Signature Validation"] == "Signature is Valid.", report
            assert report[field]["Certificate Validation"] == "Certificate is Trusted.", report
        assert any(f.startswith("LTA-") for f in report), report  # the document timestamp


def test_certificate_revoked_after_signing_still_validates(signed_minutes, closed_session):
    chair = closed_session.cab.chair
    serial = _certificate_of(chair).serial_number
    revoke(settings().keys_dir, serial, reason="key_compromise")
    data = signed_minutes["signed"]

    # the OCSP responder now says revoked: a check at the present moment sees it ...
    reader = PdfFileReader(io.BytesIO(data))
    chair_sig = reader.embedded_regular_signatures[1]
    context = trust_policy().validation_context()
    present = off_event_loop(validate_pdf_signature)(chair_sig, signer_validation_context=context)
    assert present.revoked and not present.trusted

    # ... and the timestamps plus the OCSP response embedded at signing prove it was valid then
    result = verify_document(data)
    assert result["ok"], result["text"]
    chair_report = result["signatures"][1]
    assert chair_report["ok"] and chair_report["ades"] == "PASSED"
    assert chair_report["level"] == "B-LTA"


def test_certificate_revoked_before_signing_is_refused(closed_session, keystores):
    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    fill_and_finalize(minutes, s.cab)
    revoke(settings().keys_dir, _certificate_of(s.cab.secretariat).serial_number)
    before = minutes.pdf_sha256
    with pytest.raises(CertificateRevoked, match="đã bị thu hồi"):
        sign_record(minutes, s.cab.secretariat, PASSPHRASES["secretary"])
    assert minutes.state == RecordState.FINAL and minutes.pdf_sha256 == before
    assert db.session.query(SignatureEvent).filter_by(record_id=minutes.id).count() == 0


def test_after_the_signers_certificates_expire_b_lta_holds_and_b_b_does_not(
    signed_minutes, closed_session, pki_service
):
    s = closed_session
    # the same record signed B-B (no timestamp, no revocation data), as before this change
    b_b = sign_pdf(
        signed_minutes["unsigned"],
        Pkcs12Signer(user_p12_path(settings().keys_dir, s.cab.chair.email), PASSPHRASES["chair"]),
        field_name="chair",
        page=0,
        box=(320.0, 60.0, 540.0, 130.0),
        signer_name=s.cab.chair.name,
        capacity="Chủ tọa",
        certify=True,
    )
    expiry = max(_certificate_of(u).not_valid_after_utc for u in (s.cab.chair, s.cab.secretariat))
    future = expiry + timedelta(days=1)
    now_today = pki_service.app.clock
    pki_service.app.clock = lambda: future  # the OCSP responder and CRLs of that day
    try:
        lta = verify_document(signed_minutes["signed"], at=future)
        old = verify_document(b_b, at=future)
    finally:
        pki_service.app.clock = now_today
    assert lta["ok"], lta["text"]
    assert all(sig["ades"] == "PASSED" for sig in lta["signatures"])
    assert not old["ok"] and not old["signatures_ok"]
    assert old["level"] == "B-B" and old["signatures"][0]["status"] == "untrusted"


# ---- tampering: every copy refused, and no signature labelled valid where the display changed


def _writer(data: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(io.BytesIO(data), strict=False)


def _finish(writer: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _form(writer, data: bytes, bbox=(0, 0, 595, 842)) -> generic.IndirectObject:
    stream = generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/XObject"),
            generic.NameObject("/Subtype"): generic.NameObject("/Form"),
            generic.NameObject("/BBox"): generic.ArrayObject(
                [generic.NumberObject(v) for v in bbox]
            ),
        },
        stream_data=data,
    )
    return writer.add_object(stream)


def _byte_flip(data: bytes) -> bytes:
    at = data.index(b"/Type /Page") + 2 if b"/Type /Page" in data else len(data) // 4
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _added_page(data: bytes) -> bytes:
    writer = _writer(data)
    page = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (0, 0, 595, 842)]
            ),
            generic.NameObject("/Contents"): writer.add_object(
                generic.StreamObject(stream_data=b"0 0 0 rg 50 700 200 50 re f")
            ),
            generic.NameObject("/Resources"): generic.DictionaryObject(),
        }
    )
    writer.insert_page(page)
    return _finish(writer)


def _overlay_field(data: bytes) -> bytes:
    writer = _writer(data)
    fields.append_signature_field(
        writer, fields.SigFieldSpec("overlay", on_page=0, box=(0, 0, 595, 842))
    )
    widget = writer.root["/AcroForm"]["/Fields"][-1]
    widget[generic.NameObject("/AP")] = generic.DictionaryObject(
        {generic.NameObject("/N"): _form(writer, b"1 1 1 rg 0 0 595 842 re f")}
    )
    widget[generic.NameObject("/F")] = generic.NumberObject(4)
    writer.update_container(widget)
    return _finish(writer)


def _replaced_content(data: bytes) -> bytes:
    writer = _writer(data)
    page_ref = writer.find_page_for_modification(0)[1]
    page = page_ref.get_object()
    page[generic.NameObject("/Contents")] = writer.add_object(
        generic.StreamObject(stream_data=b"1 0 0 rg 72 400 300 60 re f")
    )
    writer.update_container(page)
    return _finish(writer)


def _swapped_attachment(data: bytes) -> bytes:
    writer = _writer(data)
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    filespec = names[1]
    embedded = filespec["/EF"]["/F"]
    fake = generic.StreamObject(
        {k: v for k, v in embedded.items() if k not in ("/Length", "/Filter", "/DecodeParms")},
        stream_data=b'{"type": "minutes", "forged": true}',
    )
    filespec["/EF"][generic.NameObject("/F")] = writer.add_object(fake)
    writer.update_container(
        filespec["/EF"] if isinstance(filespec.raw_get("/EF"), generic.IndirectObject) else filespec
    )
    return _finish(writer)


def _removed_last_signature(data: bytes) -> bytes:
    # the chair's signature dropped from the form in a new revision (its stamp stays drawn)
    writer = _writer(data)
    acroform = writer.root["/AcroForm"]
    form_fields = acroform["/Fields"]
    kept = [
        form_fields.raw_get(i) for i in range(len(form_fields)) if form_fields[i]["/T"] != "chair"
    ]
    assert len(kept) == len(form_fields) - 1
    acroform[generic.NameObject("/Fields")] = generic.ArrayObject(kept)
    writer.update_container(acroform)
    return _finish(writer)


TAMPERING = {
    "byte_flip": _byte_flip,
    "added_page": _added_page,
    "overlay_through_unsigned_field": _overlay_field,
    "replaced_page_content": _replaced_content,
    "removed_last_signature": _removed_last_signature,
    "swapped_attachment": _swapped_attachment,
}
EXPECTED_LABEL = {
    "removed_last_signature": "Trường “chair” chưa ký, có hình hiển thị",
    "added_page": "Thêm trang",
    "overlay_through_unsigned_field": "chưa ký, có hình hiển thị",
    "replaced_page_content": "Nội dung trang 1 bị thay đổi",
    "swapped_attachment": "Tệp đính kèm bị thay đổi",
}


@pytest.mark.parametrize("attack", list(TAMPERING))
def test_tampered_copies_are_refused_with_honest_labels(signed_minutes, attack):
    tampered = TAMPERING[attack](signed_minutes["signed"])
    result = verify_document(tampered)
    assert not result["ok"] and result["verdict"] == "invalid", result["text"]
    assert "Kết luận: Không hợp lệ" in result["text"]
    assert result["signatures"], result["text"]
    for sig in result["signatures"]:
        labels = " | ".join(sig["change_labels"])
        if sig.get("display_changed") or attack != "byte_flip":
            # never "valid" for a signature whose later changes alter the document
            assert not sig["ok"] and sig["status_label"] != "Hợp lệ", (attack, sig)
        if attack in EXPECTED_LABEL:
            assert EXPECTED_LABEL[attack] in labels, (attack, labels)
    if attack == "removed_last_signature":
        assert [s["field_name"] for s in result["signatures"]] == ["secretary"]


def test_cli_reports_level_horizon_and_the_pages_words(signed_minutes, tmp_path):
    from flask import current_app

    path = tmp_path / "bien-ban.pdf"
    path.write_bytes(signed_minutes["signed"])
    runner = current_app.test_cli_runner()
    out = runner.invoke(args=["cabinet", "verify", str(path)])
    assert out.exit_code == 0, out.output
    assert "Mức PAdES của văn bản: PAdES B-LTA" in out.output
    assert "Kiểm chứng được đến:" in out.output
    assert "Thay đổi sau khi ký: Chữ ký của" in out.output
    assert "Kết luận: Hợp lệ" in out.output and "NOT VERIFIED" not in out.output
    page = verify_document(signed_minutes["signed"])
    for sig in page["signatures"]:
        assert sig["status_label"] in out.output
        for label in sig["change_labels"]:
            assert label in out.output


# ---- the verification page: open to everyone, rate-limited, uploads never stored


@pytest.fixture
def fresh_rate_limit(monkeypatch):
    import records.verify as verification

    monkeypatch.setattr(verification, "_recent", type(verification._recent)(verification.deque))


def _upload(client, data: bytes):
    return client.post(
        "/verify/",
        data={"file": (io.BytesIO(data), "van-ban.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )


def test_anyone_verifies_without_signing_in_in_their_language(
    signed_minutes, app, fresh_rate_limit
):
    client = app.test_client()
    assert client.get("/verify/").status_code == 200
    files_before = sorted(p.name for p in store().root.rglob("*") if p.is_file())
    page = _upload(client, _overlay_field(signed_minutes["signed"])).get_data(as_text=True)
    assert "Không hợp lệ" in page and "chưa ký, có hình hiển thị trên trang 1" in page
    assert "Nội dung hiển thị bị thay đổi sau khi ký" in page
    assert sorted(p.name for p in store().root.rglob("*") if p.is_file()) == files_before

    client.post("/locale", data={"locale": "en"})
    page = _upload(client, signed_minutes["signed"]).get_data(as_text=True)
    assert "PAdES B-LTA" in page and "In the register" in page
    assert "Archive timestamp" in page and "Valid" in page
    refused = _upload(client, _overlay_field(signed_minutes["signed"])).get_data(as_text=True)
    assert "displayed on page 1" in refused and "What the pages show changed" in refused
    assert "Không hợp lệ" not in refused

    # a stored record can be picked by signed-in readers only
    assert client.post("/verify/", data={"record": "minutes:1"}).status_code == 422


def test_verification_is_rate_limited_per_address(app, fresh_rate_limit):
    client = app.test_client()
    limit = settings().verify_per_minute
    codes = [_upload(client, b"%PDF-1.7 not really").status_code for _ in range(limit)]
    assert set(codes) == {200}
    assert _upload(client, b"%PDF-1.7 not really").status_code == 429
    other = app.test_client()
    assert (
        other.post(
            "/verify/",
            data={"file": (io.BytesIO(b"x"), "a.pdf")},
            content_type="multipart/form-data",
            environ_base={"REMOTE_ADDR": "10.9.8.7"},
        ).status_code
        == 200
    )


# ---- archives: the document timestamp is renewed before the TSA certificate ends


def test_tick_renews_the_archive_timestamp_before_the_tsa_certificate_ends(signed_minutes):
    from cabinet.pki.authority import renew_tsa
    from records.archival import horizon_of, retimestamp_due

    record = signed_minutes["record"]
    first_sha = record.pdf_sha256
    horizon = horizon_of(first_sha)
    assert horizon is not None
    assert retimestamp_due(horizon - timedelta(days=400)) is None  # not due yet

    # due, but the TSA's certificate ends no later: nothing is written, the job says why
    report = retimestamp_due(horizon - timedelta(days=30))
    assert report and "waiting for a later TSA certificate" in report
    assert record.pdf_sha256 == first_sha

    renew_tsa(settings().keys_dir, days=3650)
    report = retimestamp_due(horizon - timedelta(days=30) + timedelta(days=2))
    assert report and report.startswith("1 archive timestamp(s) renewed"), report
    db.session.commit()
    db.session.refresh(record)
    assert record.pdf_sha256 != first_sha and record.state == RecordState.LOCKED
    assert record.register_entry.final_sha256 == record.pdf_sha256
    renewed = stored(record.pdf_sha256)
    assert renewed.startswith(signed_minutes["signed"])
    assert horizon_of(record.pdf_sha256) > horizon

    result = verify_document(renewed)
    assert result["ok"] and result["document_timestamps"] == 2, result["text"]
    earlier = verify_document(signed_minutes["signed"])
    assert earlier["ok"] and earlier["register"]["earlier_archive_copy"], earlier["text"]
