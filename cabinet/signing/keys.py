"""Signing keys: users' PKCS#12 keystores issued by the demo CA or imported from a real CA.

The CA itself lives in :mod:`cabinet.pki.authority`; its names stay importable from here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from cabinet.pki import authority
from cabinet.pki.authority import (
    CA_CERT_FILE,
    CA_DIR,
    CA_KEY_FILE,
    AuthorityError,
    DemoCA,
    write_private,
)
from cabinet.pki.trust import load_certificates, to_asn1

USERS_DIR = "users"
MIN_PASSPHRASE = 8


class KeystoreError(AuthorityError):
    """A keystore or CA could not be created, opened or validated."""


@dataclass(frozen=True)
class KeystoreInfo:
    """What a validated .p12 holds: the signer's certificate and the chain shipped with it."""

    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    common_name: str
    organization: str | None
    serial_number: int
    not_before: datetime
    not_after: datetime
    sha256_fingerprint: str


def _attribute(name: x509.Name, oid) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def create_demo_ca(keys_dir: Path, **options) -> DemoCA:
    """Create the demo root and issuing CA (see :func:`cabinet.pki.authority.create_demo_ca`)."""
    try:
        return authority.create_demo_ca(keys_dir, **options)
    except AuthorityError as exc:
        raise KeystoreError(str(exc)) from exc


def load_demo_ca(keys_dir: Path) -> DemoCA:
    """Load the demo CA created by :func:`create_demo_ca`."""
    try:
        return authority.load_demo_ca(keys_dir)
    except AuthorityError as exc:
        raise KeystoreError(str(exc)) from exc


def user_p12_path(keys_dir: Path, email: str) -> Path:
    """Where the keystore of the user with this e-mail address is kept."""
    safe = re.sub(r"[^a-z0-9._@-]", "_", email.strip().lower())
    return Path(keys_dir) / USERS_DIR / f"{safe}.p12"


def _check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise KeystoreError(f"the signing passphrase needs at least {MIN_PASSPHRASE} characters")


def issue_user_p12(
    ca: DemoCA,
    out_path: Path,
    *,
    name: str,
    ministry: str,
    passphrase: str,
    email: str | None = None,
    valid_days: int = 730,
    overwrite: bool = False,
) -> x509.Certificate:
    """Issue a signing certificate (CN=name, O=ministry) into a passphrase-protected .p12.

    The issuing CA signs it; it names the CA's OCSP responder and CRL when the CA has a base URL,
    and it enters the CA's register so the responder answers for it.
    """
    _check_passphrase(passphrase)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer = ca.issuer
    cert = authority.build_certificate(
        subject=authority.subject_name(name, ministry),
        public_key=key.public_key(),
        issuer=issuer,
        signing_key=issuer.key,
        days=valid_days,
        usage=x509.KeyUsage(
            digital_signature=True,
            content_commitment=True,  # nonRepudiation
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=False,
            crl_sign=False,
            encipher_only=False,
            decipher_only=False,
        ),
        base_url=ca.base_url,
        issuer_name=authority.ISSUING if ca.issuing else authority.ROOT,
        email=email,
    )
    data = pkcs12.serialize_key_and_certificates(
        name=name.encode(),
        key=key,
        cert=cert,
        cas=ca.chain,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )
    try:
        write_private(Path(out_path), data, overwrite=overwrite)
    except AuthorityError as exc:
        raise KeystoreError(str(exc)) from exc
    authority.record_issued(
        ca.directory, cert, authority.ISSUING if ca.issuing else authority.ROOT, kind="user"
    )
    return cert


def read_p12(data: bytes, passphrase: str) -> KeystoreInfo:
    """Open a .p12 with its passphrase and check that it holds a signing key and its certificate."""
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, passphrase.encode())
    except ValueError as exc:
        raise KeystoreError("cannot open the keystore: wrong passphrase or not a .p12") from exc
    if key is None or cert is None:
        raise KeystoreError("the keystore must hold a private key and its certificate")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise KeystoreError(f"unsupported key type {type(key).__name__}")
    if key.public_key().public_numbers() != cert.public_key().public_numbers():
        raise KeystoreError("the private key does not match the certificate")
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise KeystoreError("the certificate is not meant for signatures (key usage)")
    return KeystoreInfo(
        cert=cert,
        chain=tuple(chain),
        common_name=_attribute(cert.subject, NameOID.COMMON_NAME) or cert.subject.rfc4514_string(),
        organization=_attribute(cert.subject, NameOID.ORGANIZATION_NAME),
        serial_number=cert.serial_number,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        sha256_fingerprint=cert.fingerprint(hashes.SHA256()).hex(),
    )


def import_p12(
    source: Path | bytes, out_path: Path, *, passphrase: str, overwrite: bool = False
) -> KeystoreInfo:
    """Validate a .p12 from a real CA (opens with the passphrase, holds key + cert) and store it."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    info = read_p12(data, passphrase)
    now = datetime.now(UTC)
    if not info.not_before <= now <= info.not_after:
        raise KeystoreError("the certificate is not valid now")
    try:
        write_private(Path(out_path), data, overwrite=overwrite)
    except AuthorityError as exc:
        raise KeystoreError(str(exc)) from exc
    return info


def load_trust_roots(paths: list[Path]) -> list[asn1_x509.Certificate]:
    """Load PEM or DER trust-root certificates from files."""
    return load_certificates(paths)


def fingerprint(cert: x509.Certificate | asn1_x509.Certificate) -> str:
    """SHA-256 fingerprint (hex) of a certificate, whichever library produced it."""
    return hashlib.sha256(to_asn1(cert).dump()).hexdigest()


__all__ = [
    "CA_CERT_FILE",
    "CA_DIR",
    "CA_KEY_FILE",
    "DemoCA",
    "KeystoreError",
    "KeystoreInfo",
    "create_demo_ca",
    "fingerprint",
    "import_p12",
    "issue_user_p12",
    "load_demo_ca",
    "load_trust_roots",
    "read_p12",
    "to_asn1",
    "user_p12_path",
]
