"""The demo PKI over HTTP (OCSP, CRLs, TSA) and the signing API built on it: B-LT signatures,
B-LTA completion, an organisation's seal after a person's signature, and the keys CLI."""

from __future__ import annotations

import io
import urllib.request

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID
from PIL import Image, ImageDraw

from cabinet.pki import TrustPolicy, create_demo_ca, load_demo_ca, revoke, serve_in_thread
from cabinet.signing import Pkcs12Signer, issue_user_p12, sign_pdf, verify_pdf
from cabinet.signing.cli import keys
from cabinet.signing.ltv import archive_horizon, complete_archive
from cabinet.signing.sign import SignerRevoked, seal_pdf

from .test_signing_helpers import CHAIR_BOX, nss_db_trusting, pdfsig, sample_record


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    base = tmp_path_factory.mktemp("pki")
    with serve_in_thread(base / "keys") as service:
        ca = create_demo_ca(base / "keys", base_url=service.url)
        people = {}
        for who, name, org in (
            ("chair", "Phạm Minh Chính", "Chính phủ"),
            ("office", "Văn phòng Chính phủ", "Văn phòng Chính phủ"),
            ("revoked", "Người Bị Thu Hồi", "Bộ Nội vụ"),
        ):
            path = base / f"{who}.p12"
            cert = issue_user_p12(
                ca, path, name=name, ministry=org, passphrase="mat-khau-123", email=f"{who}@x.vn"
            )
            people[who] = (Pkcs12Signer(path, "mat-khau-123"), cert)
        yield {
            "url": service.url,
            "ca": ca,
            "base": base,
            "people": people,
            "trust": TrustPolicy((ca.cert,), "hard-fail"),
        }


def _post(url: str, body: bytes, content_type: str) -> bytes:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def _ocsp_status(pki, cert: x509.Certificate) -> ocsp.OCSPResponse:
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(cert, pki["ca"].issuing.cert, hashes.SHA1())
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    return ocsp.load_der_ocsp_response(
        _post(pki["url"] + "/ocsp", request, "application/ocsp-request")
    )


def test_certificates_name_the_ocsp_responder_and_the_crl(pki):
    _signer, cert = pki["people"]["chair"]
    access = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    methods = {a.access_method: a.access_location.value for a in access}
    assert methods[AuthorityInformationAccessOID.OCSP] == pki["url"] + "/ocsp"
    assert methods[AuthorityInformationAccessOID.CA_ISSUERS] == pki["url"] + "/certs/issuing.cer"
    points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value == pki["url"] + "/crl/issuing.crl"
    issuing = pki["ca"].issuing.cert
    assert issuing.extensions.get_extension_for_class(x509.CRLDistributionPoints)
    tsa = x509.load_pem_x509_certificate((pki["ca"].directory / "tsa.cert.pem").read_bytes())
    usage = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]


def test_ocsp_answers_good_revoked_and_unknown_and_the_crl_lists_revocations(pki):
    _signer, cert = pki["people"]["revoked"]
    assert _ocsp_status(pki, cert).certificate_status == ocsp.OCSPCertStatus.GOOD
    revoke(pki["base"] / "keys", cert.serial_number, reason="key_compromise")
    answer = _ocsp_status(pki, cert)
    assert answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert answer.revocation_reason == x509.ReasonFlags.key_compromise
    stranger = (
        x509.CertificateBuilder()
        .subject_name(cert.subject)
        .issuer_name(cert.issuer)
        .public_key(cert.public_key())
        .serial_number(12345)
        .not_valid_before(cert.not_valid_before_utc)
        .not_valid_after(cert.not_valid_after_utc)
        .sign(pki["ca"].issuing.key, hashes.SHA256())
    )
    assert _ocsp_status(pki, stranger).certificate_status == ocsp.OCSPCertStatus.UNKNOWN

    with urllib.request.urlopen(pki["url"] + "/crl/issuing.crl", timeout=10) as response:
        crl = x509.load_der_x509_crl(response.read())
    assert crl.is_signature_valid(pki["ca"].issuing.cert.public_key())
    assert crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
    with urllib.request.urlopen(pki["url"] + "/crl/root.crl", timeout=10) as response:
        root_crl = x509.load_der_x509_crl(response.read())
    assert root_crl.is_signature_valid(pki["ca"].cert.public_key())


def test_a_revoked_signer_cannot_sign(pki):
    signer, _cert = pki["people"]["revoked"]
    revoke(pki["base"] / "keys", _cert.serial_number)  # idempotent
    with pytest.raises(SignerRevoked, match="revoked"):
        sign_pdf(
            sample_record(),
            signer,
            field_name="chair",
            page=0,
            box=CHAIR_BOX,
            signer_name="Người Bị Thu Hồi",
            capacity="x",
            certify=False,
            timestamp_url=pki["url"] + "/tsa",
            trust=pki["trust"],
        )


def _seal_png() -> bytes:
    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 232, 232), outline=(200, 0, 0, 255), width=10)
    draw.ellipse((60, 60, 180, 180), outline=(200, 0, 0, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_person_signs_then_the_organisation_seals_then_b_lta(pki, tmp_path):
    chair, _ = pki["people"]["chair"]
    office, _ = pki["people"]["office"]
    url, trust = pki["url"] + "/tsa", pki["trust"]
    person = sign_pdf(
        sample_record(),
        chair,
        field_name="chair",
        page=0,
        box=CHAIR_BOX,
        signer_name="Phạm Minh Chính",
        capacity="THỦ TƯỚNG",
        certify=False,
        timestamp_url=url,
        trust=trust,
    )
    x1, y1, x2, y2 = CHAIR_BOX
    left_third = (x1 - 20, y1 - 10, x1 + (x2 - x1) / 3 + 20, y2 + 10)
    sealed = seal_pdf(
        person,
        office,
        box=left_third,
        image=_seal_png(),
        organization="Văn phòng Chính phủ",
        timestamp_url=url,
        trust=trust,
    )
    assert sealed.startswith(person)
    b_lt = verify_pdf(sealed, policy=trust)
    assert b_lt.ok and [s.level for s in b_lt.signatures] == ["B-LT", "B-LT"]
    assert [s.field_name for s in b_lt.signatures] == ["chair", "seal"]
    assert b_lt.signatures[0].changes[0].kind == "signature"

    archived = complete_archive(sealed, timestamp_url=url, trust=trust)
    report = verify_pdf(archived, policy=trust)
    assert report.ok and report.level == "B-LTA" and report.document_timestamps == 1
    tsa = x509.load_pem_x509_certificate((pki["ca"].directory / "tsa.cert.pem").read_bytes())
    assert archive_horizon(archived) == report.horizon == tsa.not_valid_after_utc

    path = tmp_path / "sealed.pdf"
    path.write_bytes(archived)
    result = pdfsig(path, nss_db_trusting(tmp_path / "nss", pki["ca"].cert))
    assert result["seal"]["Signature Validation"] == "Signature is Valid."
    assert result["seal"]["Certificate Validation"] == "Certificate is Trusted."


def test_keys_cli_revokes_and_lists(pki, tmp_path):
    keys_dir = tmp_path / "k"
    runner = CliRunner()
    assert runner.invoke(keys, ["create-ca", "--keys-dir", str(keys_dir)]).exit_code == 0
    ca = load_demo_ca(keys_dir)
    issue_user_p12(
        ca, tmp_path / "a.p12", name="A", ministry="B", passphrase="passphrase-1", email="a@x.vn"
    )
    listed = runner.invoke(keys, ["list", "--keys-dir", str(keys_dir)])
    assert listed.exit_code == 0 and "CN=A,O=B,C=VN" in listed.output and "good" in listed.output
    done = runner.invoke(keys, ["revoke", "a@x.vn", "--keys-dir", str(keys_dir)])
    assert done.exit_code == 0 and "Revoked CN=A" in done.output, done.output
    listed = runner.invoke(keys, ["list", "--keys-dir", str(keys_dir)])
    assert "REVOKED" in listed.output
    missing = runner.invoke(keys, ["revoke", "nobody@x.vn", "--keys-dir", str(keys_dir)])
    assert missing.exit_code == 1


def test_make_run_serves_the_pki_with_cabinet_pki_serve(tmp_path):
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from tests.conftest import free_port

    root = Path(__file__).resolve().parents[2]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECABINET_")}
    env |= {
        "ECABINET_INSTANCE_PATH": str(tmp_path / "instance"),
        "ECABINET_PKI_URL": f"http://127.0.0.1:{port}",
    }
    flask = [sys.executable, "-m", "flask", "--app", "app", "cabinet"]
    subprocess.run([*flask, "init"], cwd=root, env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [*flask, "pki", "serve"], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 180  # the app's start-up is slow on a loaded machine
        status = ""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    status = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        crl, waited = None, None
        if status:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/crl/issuing.crl") as response:
                crl = x509.load_der_x509_crl(response.read())
            # what `make run` calls before seeding the demo (which signs records)
            waited = subprocess.run(
                [*flask, "pki", "wait", "--timeout", "60"], cwd=root, env=env, capture_output=True
            )
    finally:
        server.terminate()
        _out, errors = server.communicate(timeout=30)
    assert status, errors.decode()[-2000:]
    assert "e-Cabinet demo PKI" in status and "revoked: 0" in status, status
    assert crl is not None and crl.next_update_utc is not None
    assert waited.returncode == 0 and b"Demo PKI answers" in waited.stdout, waited.stderr
