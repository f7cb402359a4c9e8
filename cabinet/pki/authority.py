"""The demo certification authority, laid out like a real two-tier PKI.

A root CA (the trust anchor) certifies an issuing CA, which certifies the signers. Each CA has
a delegated OCSP responder (``id-kp-OCSPSigning`` with ``id-pkix-ocsp-nocheck``, as RFC 6960
allows) and publishes a CRL; a time-stamping authority (``id-kp-timeStamping``, critical) is
certified by the issuing CA. When the CA is created with a base URL, every certificate below the
root names its OCSP responder, its issuer's certificate (AIA) and its CRL (CRL distribution
point) under that URL, and :mod:`cabinet.pki.service` serves them.

Everything lives in ``keys_dir/ca``: the keys (mode 0600), the certificates, ``issued.json``
(every certificate the CAs issued: the responder answers "unknown" for any other serial) and
``revoked.json`` (the revocation list both the OCSP responder and the CRLs are built from).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .ledger import (
    CA_DIR,
    ISSUED_FILE,
    REVOCATION_REASONS,
    REVOKED_FILE,
    AuthorityError,
    certificates_of,
    issued_certificates,
    pem,
    record_issued,
    revocations,
    revoke,
)
from .profiles import Credential, build_certificate, key_usage, service_urls, subject_name

#: The root keeps the file names of the single-tier demo CA, so trust settings stay valid.
CA_CERT_FILE = "demo-ca.cert.pem"
CA_KEY_FILE = "demo-ca.key.pem"
ROOT, ISSUING = "root", "issuing"
SETTINGS_FILE = "pki.json"
#: PEM of the issuing CA and the root, for a token that holds only the signer's certificate.
CHAIN_FILE = "chain.pem"

#: Lifetimes: the root outlives the issuing CA, which outlives the TSA and OCSP responders it
#: certifies, so a renewed TSA certificate can extend the archive timestamps' horizon.
ROOT_DAYS, ISSUING_DAYS, SERVICE_DAYS = 7300, 5475, 1826


@dataclass(frozen=True)
class DemoCA:
    """The demo CA on disk: the root (``cert``/``key``, the trust anchor) and the issuing CA."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    cert_path: Path
    key_path: Path
    #: The CA that signs end-entity certificates (the root itself for an old single-tier CA).
    issuing: Credential | None = None
    #: Base URL of the OCSP/CRL/TSA service the certificates name, or None (no addresses).
    base_url: str | None = None

    @property
    def directory(self) -> Path:
        """The ``keys_dir/ca`` folder."""
        return self.cert_path.parent

    @property
    def chain_path(self) -> Path:
        """PEM file with the certificates above an end entity (issuing CA, root)."""
        return self.directory / CHAIN_FILE

    @property
    def issuer(self) -> Credential:
        """Who signs end-entity certificates."""
        return self.issuing or Credential(self.cert, self.key)

    @property
    def chain(self) -> list[x509.Certificate]:
        """The certificates above an end entity, nearest first."""
        return [self.issuing.cert, self.cert] if self.issuing else [self.cert]


def _file(name: str, kind: str) -> str:
    if name == ROOT:
        return CA_CERT_FILE if kind == "cert" else CA_KEY_FILE
    return f"{name}.{kind}.pem"


def write_private(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write a secret file readable by its owner only; refuse to replace one unless told."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError as exc:
        raise AuthorityError(f"{path} exists; refusing to overwrite it") from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _keypem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _save(directory: Path, name: str, credential: Credential, *, overwrite: bool) -> None:
    write_private(directory / _file(name, "key"), _keypem(credential.key), overwrite=overwrite)
    (directory / _file(name, "cert")).write_bytes(pem(credential.cert))


def _load(directory: Path, name: str) -> Credential:
    cert_path, key_path = directory / _file(name, "cert"), directory / _file(name, "key")
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise AuthorityError(f"no usable {name} credential in {directory}: {exc}") from exc
    return Credential(cert, key)  # type: ignore[arg-type]


def _new_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def create_demo_ca(
    keys_dir: Path,
    *,
    common_name: str = "e-Cabinet Demo Root CA",
    organization: str = "Văn phòng Chính phủ (demo)",
    valid_days: int = ROOT_DAYS,
    base_url: str | None = None,
    overwrite: bool = False,
) -> DemoCA:
    """Create the demo root and issuing CAs, their OCSP responders and the TSA under ``keys_dir/ca``.

    ``base_url`` is where :mod:`cabinet.pki.service` will answer; every certificate below the
    root then names its OCSP, CA-issuer and CRL addresses there. Without it the certificates
    carry no addresses (nothing to check revocation with, as in an offline test CA).
    """
    directory = Path(keys_dir) / CA_DIR
    if not overwrite and (directory / CA_KEY_FILE).exists():
        raise AuthorityError(f"a CA already exists in {directory}")
    directory.mkdir(parents=True, exist_ok=True)
    root_key = _new_key(3072)
    root_subject = subject_name(common_name, organization)
    root = Credential(
        build_certificate(
            subject=root_subject,
            public_key=root_key.public_key(),
            issuer=None,
            signing_key=root_key,
            days=valid_days,
            usage=key_usage(key_cert_sign=True, crl_sign=True),
            ca=True,
            path_length=1,
        ),
        root_key,
    )
    issuing_key = _new_key()
    issuing_name = common_name.replace("Root CA", "Issuing CA")
    if issuing_name == common_name:
        issuing_name = f"{common_name} – Issuing CA"
    issuing = Credential(
        build_certificate(
            subject=subject_name(issuing_name, organization),
            public_key=issuing_key.public_key(),
            issuer=root,
            signing_key=root.key,
            days=ISSUING_DAYS,
            usage=key_usage(key_cert_sign=True, crl_sign=True, digital_signature=True),
            ca=True,
            path_length=0,
            base_url=base_url,
            issuer_name=ROOT,
        ),
        issuing_key,
    )
    _save(directory, ROOT, root, overwrite=overwrite)
    _save(directory, ISSUING, issuing, overwrite=overwrite)
    (directory / CHAIN_FILE).write_bytes(pem(issuing.cert) + pem(root.cert))
    for name in (ISSUED_FILE, REVOKED_FILE):
        (directory / name).write_text("{}" if name == REVOKED_FILE else "[]")
    (directory / SETTINGS_FILE).write_text(json.dumps({"base_url": base_url}))
    record_issued(directory, issuing.cert, ROOT, kind="ca")
    for issuer_name, issuer in ((ROOT, root), (ISSUING, issuing)):
        key = _new_key()
        responder = build_certificate(
            subject=subject_name(f"e-Cabinet Demo OCSP Responder ({issuer_name})", organization),
            public_key=key.public_key(),
            issuer=issuer,
            signing_key=issuer.key,
            days=SERVICE_DAYS,
            usage=key_usage(digital_signature=True),
            extended_usage=[ExtendedKeyUsageOID.OCSP_SIGNING],
            base_url=base_url,
            issuer_name=issuer_name,
            ocsp_nocheck=True,
        )
        _save(directory, f"ocsp-{issuer_name}", Credential(responder, key), overwrite=True)
        record_issued(directory, responder, issuer_name, kind="ocsp")
    _issue_tsa(directory, issuing, base_url, organization, SERVICE_DAYS)
    return DemoCA(
        cert=root.cert,
        key=root.key,
        cert_path=directory / CA_CERT_FILE,
        key_path=directory / CA_KEY_FILE,
        issuing=issuing,
        base_url=base_url,
    )


def _issue_tsa(
    directory: Path,
    issuing: Credential,
    base_url: str | None,
    organization: str | None,
    days: int,
) -> x509.Certificate:
    key = _new_key()
    cert = build_certificate(
        subject=subject_name("e-Cabinet Demo Time-Stamping Authority", organization),
        public_key=key.public_key(),
        issuer=issuing,
        signing_key=issuing.key,
        days=days,
        usage=key_usage(digital_signature=True, content_commitment=True),
        extended_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
        base_url=base_url,
    )
    _save(directory, "tsa", Credential(cert, key), overwrite=True)
    record_issued(directory, cert, ISSUING, kind="tsa")
    return cert


def renew_tsa(keys_dir: Path, *, days: int = SERVICE_DAYS) -> x509.Certificate:
    """Give the time-stamping authority a new key and certificate (before the old one expires)."""
    ca = load_demo_ca(keys_dir)
    if ca.issuing is None:
        raise AuthorityError("a single-tier demo CA has no TSA; recreate it")
    organization = ca.cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return _issue_tsa(
        ca.directory,
        ca.issuing,
        ca.base_url,
        str(organization[0].value) if organization else None,
        days,
    )


def load_demo_ca(keys_dir: Path) -> DemoCA:
    """Load the demo CA created by :func:`create_demo_ca` (an old single-tier one works too)."""
    directory = Path(keys_dir) / CA_DIR
    root = _load(directory, ROOT)
    issuing = _load(directory, ISSUING) if (directory / _file(ISSUING, "key")).exists() else None
    base_url = None
    with contextlib.suppress(OSError, ValueError):
        base_url = json.loads((directory / SETTINGS_FILE).read_text()).get("base_url")
    return DemoCA(
        cert=root.cert,
        key=root.key,
        cert_path=directory / CA_CERT_FILE,
        key_path=directory / CA_KEY_FILE,
        issuing=issuing,
        base_url=base_url,
    )


def load_service_credential(keys_dir: Path, name: str) -> Credential:
    """A service credential of the demo CA: ``ocsp-root``, ``ocsp-issuing`` or ``tsa``."""
    return _load(Path(keys_dir) / CA_DIR, name)


def load_authority(keys_dir: Path, name: str) -> Credential:
    """The root or issuing CA's certificate and key."""
    return _load(Path(keys_dir) / CA_DIR, name)


__all__ = [
    "CA_CERT_FILE",
    "CA_DIR",
    "CA_KEY_FILE",
    "ISSUED_FILE",
    "REVOCATION_REASONS",
    "REVOKED_FILE",
    "AuthorityError",
    "Credential",
    "DemoCA",
    "build_certificate",
    "certificates_of",
    "create_demo_ca",
    "issued_certificates",
    "load_authority",
    "load_demo_ca",
    "load_service_credential",
    "record_issued",
    "renew_tsa",
    "revocations",
    "revoke",
    "service_urls",
    "subject_name",
    "write_private",
]
