"""The chair's key on a SoftHSM2 token (created by the test), used through his SigningIdentity:
the minutes signed by the secretary (PKCS#12) then the chair (PKCS#11) pass both validators."""

from __future__ import annotations

import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from cabinet.db import db
from records import services
from records.models import RecordState, SigningIdentity
from records.signing import WrongPassphrase, sign_record, store
from records.verify import verify_document
from tests.cabinet.test_signing_helpers import nss_db_trusting, pdfsig
from tests.cabinet.test_signing_pkcs11 import SO_PIN, softhsm_module

from .conftest import PASSPHRASES, demo_ca, fill_and_finalize, issue_keystore

TOKEN = "ecabinet-records"
PIN = "135790"


@pytest.fixture
def chair_token(closed_session, tmp_path, softhsm_conf):
    """A SoftHSM2 token holding the chair's demo-CA key and certificate, and his identity row."""
    chair = closed_session.cab.chair
    module = softhsm_module()
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            TOKEN,
            "--pin",
            PIN,
            "--so-pin",
            SO_PIN,
        ],
        check=True,
        capture_output=True,
    )
    p12 = issue_keystore(chair, "tam-thoi-12345")
    key, cert, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), b"tam-thoi-12345")
    p12.unlink()  # the key lives on the token only
    key_pem, cert_der = tmp_path / "key.pem", tmp_path / "cert.der"
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_der.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    subprocess.run(
        [
            "softhsm2-util",
            "--import",
            str(key_pem),
            "--token",
            TOKEN,
            "--label",
            "chair",
            "--id",
            "c1",
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
    )
    key_pem.unlink()
    subprocess.run(
        [
            "pkcs11-tool",
            "--module",
            module,
            "--token-label",
            TOKEN,
            "--login",
            "--pin",
            PIN,
            "--write-object",
            str(cert_der),
            "--type",
            "cert",
            "--label",
            "chair",
            "--id",
            "c1",
        ],
        check=True,
        capture_output=True,
    )
    db.session.add(
        SigningIdentity(
            user_id=chair.id,
            backend="pkcs11",
            pkcs11_module=module,
            token_label=TOKEN,
            key_label="chair",
            chain_path=str(demo_ca().chain_path),
        )
    )
    db.session.flush()
    return module


def test_chair_signs_with_his_token(closed_session, chair_token, tmp_path):
    cab = closed_session.cab
    issue_keystore(cab.secretariat, PASSPHRASES["secretary"])
    minutes = services.ensure_minutes(closed_session.meeting, cab.secretariat)
    fill_and_finalize(minutes, cab)
    sign_record(minutes, cab.secretariat, PASSPHRASES["secretary"])
    with pytest.raises(WrongPassphrase):
        sign_record(minutes, cab.chair, "000000")
    event = sign_record(minutes, cab.chair, PIN)
    assert event.backend == "pkcs11" and minutes.state == RecordState.LOCKED
    with store().open(minutes.pdf_sha256) as handle:
        signed = handle.read()
    result = verify_document(signed)
    assert result["ok"], result["text"]
    assert result["signatures"][1]["signer_name"] == cab.chair.name
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    report = pdfsig(path, nss_db_trusting(tmp_path / "nss", demo_ca().cert))
    assert report["secretary"]["Signature Validation"] == "Signature is Valid."
    assert report["chair"]["Signature Validation"] == "Signature is Valid."
