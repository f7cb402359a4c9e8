"""Decree 30/2020 form of the records and the PDF's own metadata (one /AF each, one producer)."""

from __future__ import annotations

import re
from io import BytesIO

from pypdf import PdfReader

from cabinet.dates import decree30_date
from records import services
from records.compose.decisions import signer_title
from records.render import render_decision
from records.signing import sign_record, store

from .conftest import PASSPHRASES, fill_and_finalize
from .test_signing_records import pdf_text


def _xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def test_signer_title_under_tm_chinh_phu_is_thu_tuong():
    assert signer_title("Thủ tướng Chính phủ") == "THỦ TƯỚNG"
    assert signer_title(None) == "THỦ TƯỚNG"
    assert signer_title("Bộ trưởng") == "BỘ TRƯỞNG"


def test_signed_minutes_list_each_attachment_once_and_one_producer(
    closed_session, keystores, tmp_path
):
    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    services.save_minutes(
        minutes,
        {"closing": "Phiên họp kết thúc lúc 11 giờ 30 phút."},
        version=minutes.version,
        actor=s.cab.secretariat,
    )
    fill_and_finalize(minutes, s.cab)
    sign_record(minutes, s.cab.secretariat, PASSPHRASES["secretary"])
    sign_record(minutes, s.cab.chair, PASSPHRASES["chair"])
    with store().open(minutes.pdf_sha256) as handle:
        data = handle.read()
    reader = PdfReader(BytesIO(data))
    af = [ref.idnum for ref in reader.trailer["/Root"]["/AF"]]
    assert len(af) == len(set(af)) == 2
    producer = reader.metadata.get("/Producer")
    assert re.search(rf'pdf:Producer="{re.escape(producer)}"', _xmp(reader)) or re.search(
        rf"<pdf:Producer>{re.escape(producer)}</pdf:Producer>", _xmp(reader)
    ), (producer, _xmp(reader))
    text = pdf_text(data, tmp_path)
    assert len(re.findall(r"Phiên họp kết thúc", text)) == 1


def test_resolution_signer_block_and_session_date(closed_session, tmp_path):
    s = closed_session
    services.ensure_minutes(s.meeting, s.cab.secretariat)
    record = services.draft_resolution(s.meeting, actor=s.cab.secretariat)
    held = decree30_date(s.meeting.opened_at or s.meeting.starts_at)
    basis = record.content["bases"][-1]
    assert basis.startswith("Trên cơ sở") and held in basis
    text = " ".join(pdf_text(render_decision(record), tmp_path).split())
    assert "TM. CHÍNH PHỦ THỦ TƯỚNG" in text or "TM. CHÍNH PHỦ" in text
    assert "THỦ TƯỚNG CHÍNH PHỦ" not in text
    assert held in text
