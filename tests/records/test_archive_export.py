"""`cabinet records export DIR`: every final record, its register entry, a SHA-256 manifest."""

from __future__ import annotations

import hashlib
import json

from flask import current_app

from records import services
from records.signing import sign_record

from .conftest import PASSPHRASES, fill_and_finalize


def test_export_writes_final_records_entries_and_manifest(closed_session, keystores, tmp_path):
    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    fill_and_finalize(minutes, s.cab)
    sign_record(minutes, s.cab.secretariat, PASSPHRASES["secretary"])
    sign_record(minutes, s.cab.chair, PASSPHRASES["chair"])
    # An issued but unsigned resolution is not final: it stays out of the archive.
    resolution = services.draft_resolution(s.meeting, actor=s.cab.secretariat)
    services.issue_decision(resolution, actor=s.cab.secretariat)

    target = tmp_path / "archive"
    result = current_app.test_cli_runner().invoke(
        args=["cabinet", "records", "export", str(target)]
    )
    assert result.exit_code == 0, result.output
    symbol = minutes.register_entry.symbol
    assert symbol in result.output and "1 records" in result.output

    manifest = json.loads((target / "manifest.json").read_text())
    assert [r["symbol"] for r in manifest["records"]] == [symbol]
    for item in manifest["files"]:
        data = (target / item["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item["sha256"] and len(data) == item["size"]
    pdf = (target / manifest["records"][0]["pdf"]).read_bytes()
    assert (
        hashlib.sha256(pdf).hexdigest() == minutes.register_entry.final_sha256 == minutes.pdf_sha256
    )
    entry = json.loads(
        (target / manifest["records"][0]["pdf"].replace(".pdf", ".json")).read_text()
    )
    assert entry["symbol"] == symbol and entry["final_sha256"] == minutes.pdf_sha256
    assert [sig["role"] for sig in entry["signatures"]] == ["secretary", "chair"]
    lines = (target / "manifest-sha256.txt").read_text().splitlines()
    assert len(lines) == len(manifest["files"]) == 2

    again = current_app.test_cli_runner().invoke(args=["cabinet", "records", "export", str(target)])
    assert again.exit_code != 0 and "not empty" in again.output
