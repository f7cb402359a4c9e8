"""Minutes from a real session: PDF text, PDF/A-3 and twins, signing in order, both validators."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
from pypdf import PdfReader

from cabinet.db import db
from records import services
from records.models import (
    NotTheSigner,
    RecordLocked,
    RecordState,
    SignatureEvent,
    SigningOutOfOrder,
)
from records.signing import WrongPassphrase, sign_record, store, trust_roots
from records.verify import verify_document
from tests.cabinet.test_signing_helpers import nss_db_trusting, pdffonts_rows, pdfsig, xmp_pdfa_part

from .conftest import PASSPHRASES, SPEECHES, demo_ca, fill_and_finalize

AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def stored(sha: str) -> bytes:
    with store().open(sha) as handle:
        return handle.read()


def attachments(data: bytes) -> dict[str, bytes]:
    reader = PdfReader(BytesIO(data))
    return {name: contents[0] for name, contents in reader.attachments.items()}


@pytest.fixture
def final_minutes(closed_session, keystores):
    minutes = services.ensure_minutes(closed_session.meeting, closed_session.cab.secretariat)
    fill_and_finalize(minutes, closed_session.cab)
    return minutes


def test_draft_pdf_shows_attendance_speakers_and_votes(closed_session, tmp_path):
    from records.render import render_minutes

    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    text = " ".join(pdf_text(render_minutes(minutes), tmp_path).split())

    assert "BIÊN BẢN" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Thành viên Chính phủ có mặt (26)" in text
    for member in s.present:
        assert member.name in text
    assert (
        f"{s.absent.name} Bộ trưởng, {s.absent.ministry} Vắng có phép: Đi công tác nước ngoài"
        in text
    )
    assert f"{s.deputy.name}, {s.deputy.title} {s.deputy.ministry}, dự thay {s.absent.name}" in text
    assert s.cab.invitee.name in text
    # every speaker, in order
    positions = [text.index(f"{n}. {u.name}") for n, u in enumerate(s.speakers, start=1)]
    assert positions == sorted(positions)
    # the open vote: counts, rule, outcome and names
    assert "Thông qua dự án Luật Đất đai (sửa đổi)?" in text
    assert "18 3 5 0 Cần quá nửa tổng số Thành viên Chính phủ tán thành (tối thiểu 14/27)" in text
    assert "Thông qua: 18/27 tán thành (cần tối thiểu 14)." in text
    assert f"{s.present[18].name} — Không tán thành" in text
    # the secret vote: counts and outcome, never names next to choices
    assert "Nghị định về quản lý nợ công?" in text
    assert "12 8 0 6" in text and "Không thông qua: 12/27 tán thành (cần tối thiểu 14)." in text
    assert "Bỏ phiếu kín: chỉ ghi số phiếu, không ghi tên người biểu quyết." in text
    secret_section = text[text.index("Nghị định về quản lý nợ công?") :]
    assert "— Tán thành" not in secret_section and "— Không tán thành" not in secret_section
    assert "DỰ THẢO" in text


def test_pdfa3_fonts_and_both_twins(final_minutes, closed_session, tmp_path):
    data = stored(final_minutes.pdf_sha256)
    assert xmp_pdfa_part(data) == ("3", "B")
    reader = PdfReader(BytesIO(data))
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"
    path = tmp_path / "final.pdf"
    path.write_bytes(data)
    rows = pdffonts_rows(path)
    assert rows and all(row[-5] == "yes" for row in rows), rows  # the "emb" column

    files = attachments(data)
    twin = json.loads(files["bien-ban.json"])
    assert twin["type"] == "minutes" and twin["number"] == final_minutes.register_entry.symbol
    assert twin["items"][0]["speakers"][0]["summary"] == SPEECHES[0]
    root = ET.fromstring(files["bien-ban.akn.xml"])
    assert root.tag == f"{AKN}akomaNtoso"
    debate = root.find(f"{AKN}debate")
    assert debate is not None
    assert debate.find(f"{AKN}meta/{AKN}identification/{AKN}FRBRWork/{AKN}FRBRthis") is not None
    speeches = debate.findall(f".//{AKN}speech")
    assert [s.find(f"{AKN}from").text for s in speeches] == [
        u.name for u in closed_session.speakers
    ]
    assert speeches[0].find(f"{AKN}p").text == SPEECHES[0]


def test_secretary_then_chair_both_validators_accept(final_minutes, closed_session, tmp_path):
    cab = closed_session.cab
    assert final_minutes.state == RecordState.FINAL
    sign_record(final_minutes, cab.secretariat, PASSPHRASES["secretary"])
    assert final_minutes.state == RecordState.SIGNED_BY_SECRETARY
    sign_record(final_minutes, cab.chair, PASSPHRASES["chair"])
    assert final_minutes.state == RecordState.LOCKED
    db.session.flush()
    signed = stored(final_minutes.pdf_sha256)

    result = verify_document(signed)
    assert result["ok"] and result["register"]["status"] == "final", result["text"]
    first, second = result["signatures"]
    assert (first["field_name"], first["signer_name"]) == ("secretary", cab.secretariat.name)
    assert first["certifying"] and first["docmdp_level"] == "fill_forms"
    assert (second["field_name"], second["signer_name"]) == ("chair", cab.chair.name)
    for sig in (first, second):
        assert sig["intact"] and sig["valid"] and sig["trusted"], sig
    # B-LTA: validation data and a document timestamp follow the last signature
    assert first["coverage"] == second["coverage"] == "entire_revision"
    assert first["modification_level"] == "form_filling"
    assert second["modification_level"] == "lta_updates"
    assert [s["level"] for s in (first, second)] == ["B-LTA", "B-LTA"] == [result["level"]] * 2
    assert result["document_timestamps"] == 1 and result["horizon"]
    assert xmp_pdfa_part(signed) == ("3", "B")

    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    nss = nss_db_trusting(tmp_path / "nss", demo_ca().cert)
    report = pdfsig(path, nss)
    assert report["secretary"]["Signature Validation"] == "Signature is Valid."
    assert report["chair"]["Signature Validation"] == "Signature is Valid."
    assert report["chair"]["Certificate Validation"] == "Certificate is Trusted."

    # one changed byte inside the signed range: both validators refuse it
    tampered = bytearray(signed)
    at = signed.index(b"/Type /Page") + 2 if b"/Type /Page" in signed else 400
    tampered[at] ^= 0x01
    tampered = bytes(tampered)
    bad = verify_document(tampered)
    assert not bad["ok"] and not bad["signatures_ok"]
    assert bad["register"]["status"] == "unknown"
    assert any(not s["intact"] for s in bad["signatures"]) or bad["error"]
    path.write_bytes(tampered)
    tampered_report = pdfsig(path, nss)
    assert all(
        r.get("Signature Validation") != "Signature is Valid." for r in tampered_report.values()
    ), tampered_report

    with pytest.raises(RecordLocked):
        final_minutes.content = {**final_minutes.content, "closing": "sửa sau khi khóa"}
        db.session.flush()


def test_out_of_order_and_wrong_person_are_refused(final_minutes, closed_session):
    cab = closed_session.cab
    with pytest.raises(SigningOutOfOrder, match="Thư ký phải ký trước"):
        sign_record(final_minutes, cab.chair, PASSPHRASES["chair"])
    with pytest.raises(NotTheSigner):
        sign_record(final_minutes, cab.members[3], PASSPHRASES["chair"])
    with pytest.raises(WrongPassphrase):
        sign_record(final_minutes, cab.secretariat, "khong-dung-mat-khau")
    sign_record(final_minutes, cab.secretariat, PASSPHRASES["secretary"])
    with pytest.raises(SigningOutOfOrder, match="đang chờ chủ tọa"):
        sign_record(final_minutes, cab.secretariat, PASSPHRASES["secretary"])
    events = db.session.query(SignatureEvent).filter_by(record_id=final_minutes.id).all()
    assert [e.role for e in events] == ["secretary"]


def test_signing_a_draft_is_refused(closed_session, keystores):
    minutes = services.ensure_minutes(closed_session.meeting, closed_session.cab.secretariat)
    with pytest.raises(SigningOutOfOrder, match="chưa được chốt"):
        sign_record(minutes, closed_session.cab.secretariat, PASSPHRASES["secretary"])


def test_trust_roots_hold_the_demo_ca(app):
    demo_ca()
    assert trust_roots()
