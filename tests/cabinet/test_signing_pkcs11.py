"""PKCS#11 signing on a SoftHSM2 token the test creates; pyHanko and pdfsig accept the result."""

import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from cabinet.signing import (
    Pkcs11Signer,
    SignerUnavailable,
    create_demo_ca,
    issue_user_p12,
    sign_pdf,
    verify_pdf,
)

from .test_signing_helpers import (
    CHAIR_BOX,
    nss_db_trusting,
    pdfsig,
    sample_record,
    xmp_pdfa_part,
)

MODULE_CANDIDATES = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
]
TOKEN = "ecabinet-test"
USER_PIN = "246810"
SO_PIN = "13579111"
KEY_LABEL = "chair-signing"
CHAIR = "Phạm Minh Chính"


def softhsm_module() -> str:
    for candidate in MODULE_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    raise AssertionError("SoftHSM2 is not installed (Debian package softhsm2)")


@pytest.fixture(scope="module")
def token(tmp_path_factory, softhsm_conf):
    base = tmp_path_factory.mktemp("softhsm-keys")
    if True:  # the token lives in the session's SoftHSM2 directory (see conftest.softhsm_conf)
        module = softhsm_module()
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", TOKEN]
            + ["--pin", USER_PIN, "--so-pin", SO_PIN],
            check=True,
            capture_output=True,
        )
        ca = create_demo_ca(base / "keys")
        p12 = base / "chair.p12"
        issue_user_p12(ca, p12, name=CHAIR, ministry="Chính phủ", passphrase="tam-thoi-123")
        key, cert, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), b"tam-thoi-123")
        key_pem = base / "key.pem"
        key_pem.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        cert_der = base / "cert.der"
        cert_der.write_bytes(cert.public_bytes(serialization.Encoding.DER))
        subprocess.run(
            ["softhsm2-util", "--import", str(key_pem), "--token", TOKEN]
            + ["--label", KEY_LABEL, "--id", "a1", "--pin", USER_PIN],
            check=True,
            capture_output=True,
        )
        key_pem.unlink()  # the key now lives on the token only
        subprocess.run(
            ["pkcs11-tool", "--module", module, "--token-label", TOKEN, "--login"]
            + ["--pin", USER_PIN, "--write-object", str(cert_der), "--type", "cert"]
            + ["--label", KEY_LABEL, "--id", "a1"],
            check=True,
            capture_output=True,
        )
        yield {"module": module, "ca": ca, "base": base}


def test_pkcs11_signature_accepted_by_pyhanko_and_pdfsig(token):
    backend = Pkcs11Signer(
        module_path=token["module"],
        token_label=TOKEN,
        key_label=KEY_LABEL,
        pin=USER_PIN,
        chain_files=(token["ca"].chain_path,),
    )
    signed = sign_pdf(
        sample_record(),
        backend,
        field_name="chair",
        page=0,
        box=CHAIR_BOX,
        signer_name=CHAIR,
        capacity="TM. CHÍNH PHỦ / THỦ TƯỚNG",
        certify=True,
    )
    report = verify_pdf(signed, [token["ca"].cert])
    assert report.ok, report.to_dict()
    (signature,) = report.signatures
    assert signature.signer_name == CHAIR
    assert signature.intact and signature.valid and signature.trusted
    assert signature.coverage == "entire_file"
    assert xmp_pdfa_part(signed) == ("3", "B")

    path = token["base"] / "signed-pkcs11.pdf"
    path.write_bytes(signed)
    nss = nss_db_trusting(token["base"] / "nss", token["ca"].cert)
    result = pdfsig(path, nss)
    assert result["chair"]["Signature Validation"] == "Signature is Valid."
    assert result["chair"]["Certificate Validation"] == "Certificate is Trusted."


def test_pkcs11_by_slot_needs_token_or_slot():
    with pytest.raises(ValueError, match="token_label or slot"):
        Pkcs11Signer(module_path="/nonexistent.so", key_label="k", pin="1")


def test_pkcs11_wrong_pin_is_refused(token):
    backend = Pkcs11Signer(
        module_path=token["module"], token_label=TOKEN, key_label=KEY_LABEL, pin="000000"
    )
    with pytest.raises(SignerUnavailable, match="PKCS#11"), backend.open():
        pass


def test_pkcs11_unknown_token_is_refused(token):
    backend = Pkcs11Signer(
        module_path=token["module"], token_label="no-such-token", key_label=KEY_LABEL, pin="1"
    )
    with pytest.raises(SignerUnavailable), backend.open():
        pass
