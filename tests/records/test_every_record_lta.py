"""Every final record of a cabinet's month: minutes, a session's resolution, an opinion ballot's
decision and its summary of opinions. Each is PAdES B-LTA under pyHanko's long-term validation
with revocation checking hard-fail against the running OCSP responder, CRLs and TSA (no mocks),
and poppler's ``pdfsig`` accepts each signature; the summary is sealed and registered too."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation import DocumentSecurityStore

from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.pki import TrustPolicy, revoke
from cabinet.signing.issuance import field_values
from records import services
from records.decree30 import organisation_p12_path
from records.models import DecisionKind, RecordState
from records.signing import CertificateRevoked, sign_record, trust_policy
from records.verify import verify_document
from tests.cabinet.test_signing_helpers import nss_db_trusting, pdfsig
from voting.ballots import services as ballots
from voting.ballots.summary import summary_pdf_bytes

from .conftest import PASSPHRASES, demo_ca, fill_and_finalize, sign_decision_decree30
from .test_pades_lta import _pyhanko_lta, stored


def concluded_ballot(cab):
    """An opinion ballot the members answered, closed and concluded by the Prime Minister."""
    ballot = ballots.create_ballot(
        title="Dự thảo Nghị định quy định giảm thuế giá trị gia tăng",
        background="Bộ Tài chính trình dự thảo Nghị định.",
        questions=["Anh/chị có đồng ý với dự thảo Nghị định?"],
        by=cab.secretariat,
        deadline=utcnow() + timedelta(days=5),
    )
    ballots.submit_for_approval(ballot, by=cab.secretariat)
    ballots.approve_ballot(ballot, by=cab.chair)
    question = ballot.questions[0]
    for n, member in enumerate(cab.members[:6]):
        choice = "agree" if n < 5 else "other"
        comment = "Đề nghị làm rõ thời hạn áp dụng." if choice == "other" else ""
        ballots.save_response(
            ballot, member, [ballots.AnswerInput(question.id, choice, comment)], submit=True
        )
    ballots.close_ballot(ballot, by=None, now=ballot.deadline)
    ballots.conclude_ballot(
        ballot, text="Thông qua dự thảo Nghị định.", outcome="approved", by=cab.chair
    )
    return ballot


@pytest.fixture
def month_records(closed_session, keystores):
    """The final records, signed in their orders (minutes: secretary → chair; decisions:
    chair → office's number, date and seal; the summary: the office's seal)."""
    s = closed_session
    cab = s.cab
    minutes = services.ensure_minutes(s.meeting, cab.secretariat)
    fill_and_finalize(minutes, cab)
    sign_record(minutes, cab.secretariat, PASSPHRASES["secretary"])
    sign_record(minutes, cab.chair, PASSPHRASES["chair"])
    resolution = services.draft_resolution(s.meeting, actor=cab.secretariat)
    services.issue_decision(resolution, actor=cab.secretariat)
    sign_decision_decree30(resolution, cab)
    ballot = concluded_ballot(cab)
    decision = services.draft_ballot_decision(ballot, actor=cab.secretariat)
    services.issue_decision(decision, actor=cab.secretariat)
    sign_decision_decree30(decision, cab)
    summary = services.ballot_summary_record(ballot, actor=cab.secretariat)
    assert summary.state == RecordState.FINAL and summary.pdf_sha256 == ballot.summary_sha256
    sign_record(summary, cab.secretariat, PASSPHRASES["organisation"])
    db.session.commit()
    return {
        "minutes": (minutes, ("secretary", "chair")),
        "resolution": (resolution, ("chair", "organisation")),
        "ballot_decision": (decision, ("chair", "organisation")),
        "ballot_summary": (summary, ("organisation",)),
        "ballot": ballot,
    }


def test_every_final_record_is_b_lta_hard_fail_and_pdfsig_accepts(month_records, tmp_path):
    assert settings().revocation_mode == "hard-fail" and settings().pades_level == "b-lta"
    hard_fail = TrustPolicy(tuple(trust_policy().roots), "hard-fail")
    nss = nss_db_trusting(tmp_path / "nss", demo_ca().cert)
    for name in ("minutes", "resolution", "ballot_decision", "ballot_summary"):
        record, fields = month_records[name]
        assert record.state == RecordState.LOCKED, name
        data = stored(record.pdf_sha256)
        assert record.register_entry.final_sha256 == record.pdf_sha256, name

        results = _pyhanko_lta(data, hard_fail)  # pyHanko's AdES long-term validation
        assert len(results) == len(fields), name
        for result in results:
            assert result.ades_subindic == AdESPassed.OK, (name, result.failure_msg)
            assert result.oldest_evidence_record_timestamp is not None, name
        reader = PdfFileReader(io.BytesIO(data))
        assert DocumentSecurityStore.read_dss(reader).ocsps, name
        assert len(reader.embedded_timestamp_signatures) == 1, name

        report = verify_document(data)
        assert report["ok"], (name, report["text"])
        assert report["level"] == "B-LTA", name
        assert [sig["field_name"] for sig in report["signatures"]] == list(fields), name
        assert {sig["level"] for sig in report["signatures"]} == {"B-LTA"}, name
        assert report["register"]["number"] == record.register_entry.symbol, name

        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        poppler = pdfsig(path, nss)
        for field in fields:
            assert poppler[field]["Signature Validation"] == "Signature is Valid.", (name, poppler)
            assert poppler[field]["Certificate Validation"] == "Certificate is Trusted.", name
        assert any(f.startswith("LTA-") for f in poppler), (name, poppler)


def test_the_ballot_summary_is_sealed_numbered_and_served_as_the_signed_file(month_records):
    summary, _ = month_records["ballot_summary"]
    ballot = month_records["ballot"]
    assert summary.kind == DecisionKind.BALLOT_SUMMARY
    entry = summary.register_entry
    assert entry.symbol.endswith("/BC-VPCP") and entry.doc_type == "BC"
    data = stored(summary.pdf_sha256)
    values = field_values(data)
    assert values["so"] == entry.symbol.split("/")[0] and values["ngay"].startswith("Hà Nội, ngày")
    # The summary download is the sealed record now, not the unsigned file stored at conclusion.
    assert ballot.summary_sha256 == summary.pdf_sha256
    assert summary_pdf_bytes(ballot) == data
    # Recorded once: asking again gives the same record.
    assert services.ballot_summary_record(ballot, actor=None).id == summary.id


def test_a_revoked_organisation_certificate_cannot_seal_and_takes_no_number(
    closed_session, keystores
):
    from cryptography.hazmat.primitives.serialization import pkcs12

    s = closed_session
    services.ensure_minutes(s.meeting, s.cab.secretariat)
    record = services.draft_resolution(s.meeting, actor=s.cab.secretariat)
    services.issue_decision(record, actor=s.cab.secretariat)
    sign_record(record, s.cab.chair, PASSPHRASES["chair"])
    _key, cert, _chain = pkcs12.load_key_and_certificates(
        organisation_p12_path(settings().keys_dir).read_bytes(),
        PASSPHRASES["organisation"].encode(),
    )
    revoke(settings().keys_dir, cert.serial_number, reason="key_compromise")
    before = record.pdf_sha256
    with pytest.raises(CertificateRevoked):
        sign_record(record, s.cab.secretariat, PASSPHRASES["organisation"])
    assert record.state == RecordState.SIGNED_BY_CHAIR and record.register_entry is None
    assert record.pdf_sha256 == before
