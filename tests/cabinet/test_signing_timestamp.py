"""PAdES B-T: a signature timestamp from an RFC 3161 TSA over HTTP (a local TSA in a thread)."""

import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from cabinet.signing import Pkcs12Signer, create_demo_ca, issue_user_p12, sign_pdf, verify_pdf
from cabinet.signing.keys import to_asn1

from .test_signing_helpers import CHAIR_BOX, nss_db_trusting, pdfsig, sample_record


def _tsa_certificate(ca):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "e-Cabinet Test TSA")]))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca.key, hashes.SHA256())
    )
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return to_asn1(cert), key_info


@pytest.fixture(scope="module")
def tsa(tmp_path_factory):
    base = tmp_path_factory.mktemp("tsa")
    ca = create_demo_ca(base / "keys")
    tsa_cert, tsa_key = _tsa_certificate(ca)
    engine = DummyTimeStamper(tsa_cert, tsa_key, certs_to_embed=[to_asn1(ca.cert)])
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(self.headers["Content-Type"])
            response = engine.request_tsa_response(tsp.TimeStampReq.load(body))
            payload = response.dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {
        "url": f"http://127.0.0.1:{server.server_port}/tsa",
        "ca": ca,
        "base": base,
        "requests": requests,
    }
    server.shutdown()
    server.server_close()
    thread.join()


def test_timestamped_signature_is_pades_bt(tsa):
    p12 = tsa["base"] / "chair.p12"
    issue_user_p12(
        tsa["ca"], p12, name="Phạm Minh Chính", ministry="Chính phủ", passphrase="pass-1234"
    )
    before = datetime.now(UTC).replace(microsecond=0)
    signed = sign_pdf(
        sample_record(),
        Pkcs12Signer(p12, "pass-1234"),
        field_name="chair",
        page=0,
        box=CHAIR_BOX,
        signer_name="Phạm Minh Chính",
        capacity="TM. CHÍNH PHỦ / THỦ TƯỚNG",
        certify=True,
        timestamp_url=tsa["url"],
    )
    # pyHanko asks once more to size the signature placeholder
    assert tsa["requests"] and set(tsa["requests"]) == {"application/timestamp-query"}
    report = verify_pdf(signed, [tsa["ca"].cert])
    assert report.ok, report.to_dict()
    (signature,) = report.signatures
    assert signature.timestamped
    assert before <= signature.signing_time <= datetime.now(UTC)

    path = tsa["base"] / "signed-bt.pdf"
    path.write_bytes(signed)
    result = pdfsig(path, nss_db_trusting(tsa["base"] / "nss", tsa["ca"].cert))
    assert result["chair"]["Signature Validation"] == "Signature is Valid."
    assert result["chair"]["Certificate Validation"] == "Certificate is Trusted."
