"""The answers of the demo PKI's services: OCSP responses (RFC 6960), CRLs (RFC 5280) and
time-stamp tokens (RFC 3161), built from the CA files of :mod:`cabinet.pki.authority`.

Pure functions of (CA state, request, moment): the HTTP layer is :mod:`cabinet.pki.service`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import ocsp

from .authority import Credential

#: OCSP responses and CRLs are good for a day (real CAs: hours to a week).
OCSP_VALIDITY = timedelta(hours=24)
CRL_VALIDITY = timedelta(days=1)
#: thisUpdate is set this far back, as responders that pre-produce their answers do, so that a
#: verifier whose clock runs a little behind (or who started before the answer was made) takes it.
CLOCK_SKEW = timedelta(seconds=60)
#: Example-arc policy OID (2.999 is reserved for examples): this TSA promises nothing.
TSA_POLICY = "2.999.13.1"

_REASONS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key_compromise": x509.ReasonFlags.key_compromise,
    "ca_compromise": x509.ReasonFlags.ca_compromise,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
    "certificate_hold": x509.ReasonFlags.certificate_hold,
    "privilege_withdrawn": x509.ReasonFlags.privilege_withdrawn,
}
_OCSP_HASHES = {"sha1": hashes.SHA1, "sha256": hashes.SHA256}


@dataclass(frozen=True)
class Issuer:
    """One CA as the responder sees it: its name, certificate, and OCSP responder credential."""

    name: str
    cert: x509.Certificate
    key: object
    responder: Credential


@dataclass(frozen=True)
class Revocation:
    """When and why a certificate was revoked."""

    at: datetime
    reason: str


def _key_hash(cert: x509.Certificate, algorithm: hashes.HashAlgorithm) -> bytes:
    public = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # issuerKeyHash is over the subjectPublicKey BIT STRING only, not the whole SPKI.
    bits = asn1_x509.PublicKeyInfo.load(public)["public_key"].contents[1:]
    digest = hashes.Hash(algorithm)
    digest.update(bits)
    return digest.finalize()


def _name_hash(cert: x509.Certificate, algorithm: hashes.HashAlgorithm) -> bytes:
    digest = hashes.Hash(algorithm)
    digest.update(cert.subject.public_bytes())
    return digest.finalize()


def ocsp_response(
    request_der: bytes,
    issuers: list[Issuer],
    revoked: Mapping[tuple[str, int], Revocation],
    known: set[tuple[str, int]],
    now: datetime,
) -> bytes:
    """DER OCSP response to a DER request: good, revoked (with time and reason) or unknown."""
    try:
        request = ocsp.load_der_ocsp_request(request_der)
    except ValueError:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.MALFORMED_REQUEST
        ).public_bytes(serialization.Encoding.DER)
    algorithm = request.hash_algorithm
    issuer = next(
        (
            i
            for i in issuers
            if _key_hash(i.cert, algorithm) == request.issuer_key_hash
            and _name_hash(i.cert, algorithm) == request.issuer_name_hash
        ),
        None,
    )
    if issuer is None:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.UNAUTHORIZED
        ).public_bytes(serialization.Encoding.DER)
    key = (issuer.name, request.serial_number)
    revocation = revoked.get(key)
    if revocation is not None and revocation.at <= now:
        status = ocsp.OCSPCertStatus.REVOKED
    elif key in known:
        status = ocsp.OCSPCertStatus.GOOD
    else:
        status = ocsp.OCSPCertStatus.UNKNOWN
    this_update = now.replace(microsecond=0) - CLOCK_SKEW
    if status == ocsp.OCSPCertStatus.REVOKED:
        this_update = max(this_update, revocation.at)
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number,
            algorithm=algorithm,
            cert_status=status,
            this_update=this_update,
            next_update=this_update + OCSP_VALIDITY,
            revocation_time=revocation.at if status == ocsp.OCSPCertStatus.REVOKED else None,
            revocation_reason=_REASONS[revocation.reason]
            if status == ocsp.OCSPCertStatus.REVOKED and revocation.reason != "unspecified"
            else None,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, issuer.responder.cert)
        .certificates([issuer.responder.cert])
    )
    try:
        nonce = request.extensions.get_extension_for_class(x509.OCSPNonce)
    except x509.ExtensionNotFound:
        nonce = None
    if nonce is not None:
        builder = builder.add_extension(nonce.value, critical=False)
    response = builder.sign(issuer.responder.key, hashes.SHA256())
    return response.public_bytes(serialization.Encoding.DER)


def certificate_revocation_list(
    issuer: Issuer, revoked: Mapping[tuple[str, int], Revocation], now: datetime
) -> bytes:
    """The issuer's current CRL (DER): every certificate it revoked up to ``now``."""
    this_update = now.replace(microsecond=0) - CLOCK_SKEW
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(this_update)
        .next_update(this_update + CRL_VALIDITY)
        .add_extension(x509.CRLNumber(int(this_update.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),  # type: ignore[attr-defined]
            critical=False,
        )
    )
    for (name, serial), revocation in sorted(revoked.items()):
        if name != issuer.name or revocation.at > now:
            continue
        entry = (
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revocation.at)
        )
        if revocation.reason != "unspecified":
            entry = entry.add_extension(x509.CRLReason(_REASONS[revocation.reason]), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    crl = builder.sign(issuer.key, hashes.SHA256())  # type: ignore[arg-type]
    return crl.public_bytes(serialization.Encoding.DER)


def _der(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _granted(token: cms.ContentInfo) -> bytes:
    return tsp.TimeStampResp(
        {"status": tsp.PKIStatusInfo({"status": "granted"}), "time_stamp_token": token}
    ).dump()


def _rejected(failure: str) -> bytes:
    return tsp.TimeStampResp(
        {
            "status": tsp.PKIStatusInfo(
                {"status": "rejection", "fail_info": tsp.PKIFailureInfo({failure})}
            )
        }
    ).dump()


def timestamp_response(
    request_der: bytes, tsa: Credential, chain: list[x509.Certificate], now: datetime
) -> bytes:
    """DER TimeStampResp for a DER TimeStampReq, signed by the TSA (SHA-256, RSA PKCS#1 v1.5)."""
    try:
        request = tsp.TimeStampReq.load(request_der)
        imprint = request["message_imprint"]
        hash_name = imprint["hash_algorithm"]["algorithm"].native
    except (ValueError, TypeError, KeyError):
        return _rejected("bad_data_format")
    if hash_name not in ("sha256", "sha384", "sha512"):
        return _rejected("bad_alg")
    gen_time = now.replace(microsecond=0)
    tsa_cert = _der(tsa.cert)
    info = {
        "version": "v1",
        "policy": TSA_POLICY,
        "message_imprint": imprint,
        "serial_number": secrets.randbits(63),
        "gen_time": gen_time,
        "accuracy": {"seconds": 1},
        "tsa": asn1_x509.GeneralName(name="directory_name", value=tsa_cert.subject),
    }
    if request["nonce"].native is not None:
        info["nonce"] = request["nonce"]
    tst_info = tsp.TSTInfo(info).dump()
    ess = tsp.SigningCertificateV2(
        {
            "certs": [
                tsp.ESSCertIDv2(
                    {
                        "hash_algorithm": {"algorithm": "sha256"},
                        "cert_hash": hashlib.sha256(tsa_cert.dump()).digest(),
                    }
                )
            ]
        }
    )
    signed_attrs = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
            cms.CMSAttribute(
                {"type": "signing_time", "values": [cms.Time({"utc_time": core.UTCTime(gen_time)})]}
            ),
            cms.CMSAttribute({"type": "signing_certificate_v2", "values": [ess]}),
            cms.CMSAttribute(
                {"type": "message_digest", "values": [hashlib.sha256(tst_info).digest()]}
            ),
        ]
    )
    signature = tsa.key.sign(signed_attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                name="issuer_and_serial_number",
                value=cms.IssuerAndSerialNumber(
                    {"issuer": tsa_cert.issuer, "serial_number": tsa_cert.serial_number}
                ),
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "signed_attrs": signed_attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}),
            "signature": signature,
        }
    )
    signed = {
        "version": "v3",
        "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
        "encap_content_info": {
            "content_type": "tst_info",
            "content": cms.ParsableOctetString(tst_info),
        },
        "signer_infos": [signer_info],
    }
    if request["cert_req"].native:  # RFC 3161 2.4.1: the certificates only when asked for
        signed["certificates"] = [tsa_cert, *(_der(c) for c in chain)]
    signed_data = cms.SignedData(signed)
    return _granted(cms.ContentInfo({"content_type": "signed_data", "content": signed_data}))
