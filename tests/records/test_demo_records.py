"""Every record of the seeded demo: plain text only (no markup) and valid Akoma Ntoso twins."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from records.models import DecisionRecord, Minutes
from tests.demo.test_demo import seeded  # noqa: F401  (the module-scoped seeded instance)

from .test_akn_schema import SCHEMA_DIR

TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*(\s[^>]*)?/?>")


def _records(seeded):  # noqa: F811
    s = seeded.session
    return [*s.scalars(select(Minutes)), *s.scalars(select(DecisionRecord))]


def test_every_demo_record_pdf_has_no_markup_and_valid_akn(seeded, tmp_path):  # noqa: F811
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "akomantoso30.xsd")))
    records = _records(seeded)
    assert len(records) >= 4
    assert all(record.state == "locked" for record in records)
    for record in records:
        assert record.pdf_sha256, record
        with seeded.store.open(record.pdf_sha256) as handle:
            data = handle.read()
        path = tmp_path / f"{record.record_type}-{record.id}.pdf"
        path.write_bytes(data)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert not TAG.search(text), (record, TAG.search(text).group(0))
        files = {n: c[0] for n, c in PdfReader(BytesIO(data)).attachments.items()}
        twins = [n for n in files if n.endswith(".akn.xml")]
        # Akoma Ntoso for minutes and decisions; the summary of opinions carries its JSON.
        assert twins or getattr(record, "kind", None) == "ballot_summary", record
        for name in twins:
            doc = etree.fromstring(files[name])
            assert schema.validate(doc), (name, [e.message for e in schema.error_log][:5])
        for name in (n for n in files if n.endswith(".json")):
            assert not TAG.search(files[name].decode()), (name, record)
