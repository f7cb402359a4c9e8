"""What a signature is checked against: trust roots, the revocation mode, and network fetching.

One :class:`TrustPolicy` feeds both of pyHanko's validation APIs: the stateful
``ValidationContext`` used while signing (pre-sign checks, collecting OCSP/CRL data for the
DSS) and the declarative AdES validation spec used to verify (ETSI EN 319 102-1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager

#: ``hard-fail``: a certificate that names OCSP/CRL addresses must have good revocation data;
#: ``require``: every certificate must, named or not; ``soft-fail``: missing data is tolerated.
REVOCATION_MODES = ("hard-fail", "soft-fail", "require")
#: Time allowed for one OCSP/CRL/TSA request.
FETCH_TIMEOUT = 10


def to_asn1(cert: x509.Certificate | asn1_x509.Certificate) -> asn1_x509.Certificate:
    """Convert a cryptography certificate to the asn1crypto form pyHanko uses."""
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def load_certificates(paths: Iterable[Path]) -> list[asn1_x509.Certificate]:
    """Load PEM (one or several) or DER certificates from files."""
    roots = []
    for path in paths:
        data = Path(path).read_bytes()
        if b"-----BEGIN" in data:
            roots.extend(to_asn1(c) for c in x509.load_pem_x509_certificates(data))
        else:
            roots.append(to_asn1(x509.load_der_x509_certificate(data)))
    return roots


@dataclass(frozen=True)
class TrustPolicy:
    """Trust anchors and how revocation is checked (``fetch``: ask OCSP/CRL services online)."""

    roots: tuple[asn1_x509.Certificate, ...]
    revocation_mode: str = "hard-fail"
    fetch: bool = True
    #: Extra intermediate certificates (a PKCS#11 token's chain, for instance).
    intermediates: tuple[asn1_x509.Certificate, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.revocation_mode not in REVOCATION_MODES:
            raise ValueError("revocation_mode must be one of " + ", ".join(REVOCATION_MODES))
        object.__setattr__(self, "roots", tuple(to_asn1(r) for r in self.roots))

    @property
    def checking(self) -> RevocationCheckingPolicy:
        """The certvalidator revocation policy of this mode."""
        return RevocationCheckingPolicy.from_legacy(self.revocation_mode)

    def validation_context(self, *, moment: datetime | None = None) -> ValidationContext:
        """A fresh context for one signing or timestamping run (fetching unless ``moment``)."""
        if moment is not None:
            return ValidationContext(
                trust_roots=list(self.roots),
                other_certs=list(self.intermediates),
                moment=moment,
                revinfo_policy=CertRevTrustPolicy(self.checking),
            )
        return ValidationContext(
            trust_roots=list(self.roots),
            other_certs=list(self.intermediates),
            allow_fetching=self.fetch,
            revinfo_policy=CertRevTrustPolicy(self.checking),
        )

    def ades_spec(self, *, always_fetch: bool = False) -> PdfSignatureValidationSpec:
        """The AdES validation spec: the file's own data first, online data for the present.

        ``always_fetch`` asks the services even when validating at another moment than now
        (a verifier of the future, whose OCSP responder answers for its own time).
        """
        if not self.fetch:
            rule = RevinfoOnlineFetchingRule.LOCAL_ONLY
        elif always_fetch:
            rule = RevinfoOnlineFetchingRule.ALWAYS_FETCH
        else:
            rule = RevinfoOnlineFetchingRule.NO_HISTORICAL_FETCH
        policy = CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build(trust_roots=list(self.roots)),
            revinfo_policy=CertRevTrustPolicy(self.checking),
        )
        return PdfSignatureValidationSpec(
            SignatureValidationSpec(
                cert_validation_policy=policy,
                revinfo_gathering_policy=RevocationInfoGatheringSpec(online_fetching_rule=rule),
            )
        )
