"""The certificate profiles of the demo CA: names, key usages, and the addresses (AIA OCSP and
CA issuers, CRL distribution point) that let a validator check a certificate's status online.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

ISSUING = "issuing"


@dataclass(frozen=True)
class Credential:
    """A certificate and its private key."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey


def subject_name(common_name: str, organization: str | None) -> x509.Name:
    """C=VN, O=organization, CN=common_name."""
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def key_usage(**granted: bool) -> x509.KeyUsage:
    """A KeyUsage extension granting the named usages only."""
    names = (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    )
    return x509.KeyUsage(**{name: granted.get(name, False) for name in names})


def service_urls(base_url: str, issuer: str) -> dict[str, str]:
    """The addresses a certificate issued by ``issuer`` names: OCSP, CA certificate, CRL."""
    base = base_url.rstrip("/")
    return {
        "ocsp": f"{base}/ocsp",
        "ca_issuers": f"{base}/certs/{issuer}.cer",
        "crl": f"{base}/crl/{issuer}.crl",
        "tsa": f"{base}/tsa",
    }


def _addresses(
    builder: x509.CertificateBuilder, base_url: str | None, issuer: str, *, ocsp: bool = True
) -> x509.CertificateBuilder:
    if not base_url:
        return builder
    urls = service_urls(base_url, issuer)
    access = [
        x509.AccessDescription(
            AuthorityInformationAccessOID.CA_ISSUERS,
            x509.UniformResourceIdentifier(urls["ca_issuers"]),
        )
    ]
    if ocsp:
        access.insert(
            0,
            x509.AccessDescription(
                AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(urls["ocsp"])
            ),
        )
    point = x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(urls["crl"])],
        relative_name=None,
        reasons=None,
        crl_issuer=None,
    )
    return builder.add_extension(
        x509.AuthorityInformationAccess(access), critical=False
    ).add_extension(x509.CRLDistributionPoints([point]), critical=False)


def build_certificate(
    *,
    subject: x509.Name,
    public_key: Any,
    issuer: Credential | None,
    signing_key: rsa.RSAPrivateKey,
    days: int,
    usage: x509.KeyUsage,
    ca: bool = False,
    path_length: int | None = None,
    extended_usage: list[x509.ObjectIdentifier] | None = None,
    base_url: str | None = None,
    issuer_name: str = ISSUING,
    ocsp_nocheck: bool = False,
    email: str | None = None,
    now: datetime | None = None,
) -> x509.Certificate:
    """One X.509 v3 certificate with the profile this CA uses (``issuer`` None: self-signed)."""
    now = now or datetime.now(UTC)
    not_after = now + timedelta(days=days)
    if issuer is not None:
        not_after = min(not_after, issuer.cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
        builder = _addresses(builder, base_url, issuer_name, ocsp=not ocsp_nocheck)
    if extended_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended_usage), critical=True)
    if ocsp_nocheck:
        builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    return builder.sign(signing_key, hashes.SHA256())
