"""The records' Akoma Ntoso twins validate against the OASIS schema; their texts are plain."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from records import services
from records.akn import minutes_akn, statement_akn
from records.compose.text import paragraphs, plain_text
from records.render import render_decision, render_minutes

from .conftest import fill_and_finalize

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "data" / "akn"


@pytest.fixture(scope="module")
def akn_schema() -> etree.XMLSchema:
    """The OASIS Akoma Ntoso 3.0 schema (akomantoso30.xsd, OASIS Standard 2018), offline."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "akomantoso30.xsd")))


def assert_valid(schema: etree.XMLSchema, xml: bytes) -> None:
    """Validate, showing every error when it fails."""
    doc = etree.fromstring(xml)
    if not schema.validate(doc):
        errors = "\n".join(f"{e.line}: {e.message}" for e in schema.error_log)
        pytest.fail(f"Akoma Ntoso invalid:\n{errors}")


def attachments(data: bytes) -> dict[str, bytes]:
    reader = PdfReader(BytesIO(data))
    return {name: contents[0] for name, contents in reader.attachments.items()}


HTML_CONCLUSION = (
    "<p>Đồng ý ban hành Nghị định; <strong>hiệu lực</strong> từ ngày 15 tháng 12.</p>"
    "<ul><li>Giao Bộ Tài chính &amp; Bộ Tư pháp</li></ul><script>alert(1)</script>"
)


def test_plain_text_turns_markup_into_paragraphs():
    assert paragraphs(HTML_CONCLUSION) == [
        "Đồng ý ban hành Nghị định; hiệu lực từ ngày 15 tháng 12.",
        "- Giao Bộ Tài chính & Bộ Tư pháp",
    ]
    assert plain_text("Một dòng\n\n\nHai  dòng") == "Một dòng\n\nHai dòng"
    assert plain_text("a < b và R&D") == "a < b và R&D"
    assert plain_text(None) == ""


def test_minutes_and_resolution_twins_validate_and_carry_no_markup(closed_session, akn_schema):
    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    services.save_minutes(
        minutes,
        {"items.0.conclusion": HTML_CONCLUSION, "closing": "<p>Phiên họp kết thúc.</p>"},
        version=minutes.version,
        actor=s.cab.secretariat,
    )
    assert "<" not in minutes.content["items"][0]["conclusion"]
    fill_and_finalize(minutes, s.cab)
    files = attachments(render_minutes(minutes))
    assert_valid(akn_schema, files["bien-ban.akn.xml"])
    assert b"&lt;" not in files["bien-ban.akn.xml"]

    resolution = services.draft_resolution(s.meeting, actor=s.cab.secretariat)
    services.update_decision(
        resolution,
        {"articles": [{"heading": "Về <b>đất đai</b>", "text": HTML_CONCLUSION}]},
        version=resolution.version,
        actor=s.cab.secretariat,
    )
    services.issue_decision(resolution, actor=s.cab.secretariat)
    files = attachments(render_decision(resolution))
    assert_valid(akn_schema, files["nghi-quyet.akn.xml"])
    assert b"&lt;" not in files["nghi-quyet.akn.xml"]
    assert "<" not in files["nghi-quyet.json"].decode()


def test_the_akn_builders_validate_with_empty_optional_parts(akn_schema):
    from datetime import date

    content = {
        "meeting": {
            "id": 1,
            "title": "Phiên họp",
            "date": "2026-12-01",
            "start_text": "08:00",
            "date_text": "ngày 01 tháng 12 năm 2026",
            "place": "",
        },
        "chair": None,
        "secretary": None,
        "attendance": {"present": [], "absent": [], "invitees": [], "deputies": []},
        "items": [
            {
                "position": 1,
                "title": "Mục",
                "ministry": "",
                "papers": [],
                "speakers": [],
                "votes": [],
                "conclusion": "",
                "decision": "",
            }
        ],
    }
    assert_valid(akn_schema, minutes_akn(content, number="", generated=date(2026, 12, 2)))
    assert_valid(
        akn_schema,
        statement_akn(
            {"articles": [{"heading": "", "text": "Điều."}]},
            number="",
            title="Nghị quyết",
            day=date(2026, 12, 2),
            generated=date(2026, 12, 2),
        ),
    )
