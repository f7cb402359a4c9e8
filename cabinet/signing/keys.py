"""Signing keys: a local demo CA, users' PKCS#12 keystores, import of keystores from a real CA."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

CA_DIR = "ca"
CA_CERT_FILE = "demo-ca.cert.pem"
CA_KEY_FILE = "demo-ca.key.pem"
USERS_DIR = "users"
MIN_PASSPHRASE = 8


class KeystoreError(Exception):
    """A keystore or CA could not be created, opened or validated."""


@dataclass(frozen=True)
class DemoCA:
    """The local demonstration root CA (certificate and key on disk under ``keys_dir/ca``)."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    cert_path: Path
    key_path: Path


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


def _write_private(path: Path, data: bytes, *, overwrite: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError as exc:
        raise KeystoreError(f"{path} exists; refusing to overwrite it") from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _name(common_name: str, organization: str | None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _attribute(name: x509.Name, oid) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def create_demo_ca(
    keys_dir: Path,
    *,
    common_name: str = "e-Cabinet Demo Root CA",
    organization: str = "Văn phòng Chính phủ (demo)",
    valid_days: int = 3650,
    overwrite: bool = False,
) -> DemoCA:
    """Create a self-signed demo root CA under ``keys_dir/ca`` (key file mode 0600)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    subject = _name(common_name, organization)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    ca_dir = Path(keys_dir) / CA_DIR
    key_path, cert_path = ca_dir / CA_KEY_FILE, ca_dir / CA_CERT_FILE
    if not overwrite and (key_path.exists() or cert_path.exists()):
        raise KeystoreError(f"a CA already exists in {ca_dir}")
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_private(key_path, key_pem, overwrite=overwrite)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return DemoCA(cert=cert, key=key, cert_path=cert_path, key_path=key_path)


def load_demo_ca(keys_dir: Path) -> DemoCA:
    """Load the demo CA created by :func:`create_demo_ca`."""
    ca_dir = Path(keys_dir) / CA_DIR
    key_path, cert_path = ca_dir / CA_KEY_FILE, ca_dir / CA_CERT_FILE
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise KeystoreError(f"no usable demo CA in {ca_dir}: {exc}") from exc
    return DemoCA(cert=cert, key=key, cert_path=cert_path, key_path=key_path)


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
    """Issue a signing certificate (CN=name, O=ministry) into a passphrase-protected .p12."""
    _check_passphrase(passphrase)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name, ministry))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(min(now + timedelta(days=valid_days), ca.cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
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
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
    )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    cert = builder.sign(ca.key, hashes.SHA256())
    data = pkcs12.serialize_key_and_certificates(
        name=name.encode(),
        key=key,
        cert=cert,
        cas=[ca.cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )
    _write_private(Path(out_path), data, overwrite=overwrite)
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
    _write_private(Path(out_path), data, overwrite=overwrite)
    return info


def to_asn1(cert: x509.Certificate | asn1_x509.Certificate) -> asn1_x509.Certificate:
    """Convert a cryptography certificate to the asn1crypto form pyHanko uses."""
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def load_trust_roots(paths: list[Path]) -> list[asn1_x509.Certificate]:
    """Load PEM or DER trust-root certificates from files."""
    roots = []
    for path in paths:
        data = Path(path).read_bytes()
        if b"-----BEGIN" in data:
            roots.extend(to_asn1(c) for c in x509.load_pem_x509_certificates(data))
        else:
            roots.append(to_asn1(x509.load_der_x509_certificate(data)))
    return roots


def fingerprint(cert: x509.Certificate | asn1_x509.Certificate) -> str:
    """SHA-256 fingerprint (hex) of a certificate, whichever library produced it."""
    return hashlib.sha256(to_asn1(cert).dump()).hexdigest()
