"""Verification of signed records: one report line per signature, and a bottom line."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from cabinet.signing.loop import off_event_loop

from .keys import to_asn1

#: Changes after a signature that keep it acceptable: none, LTV data, further signatures.
ACCEPTABLE_AFTER = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)

COVERAGE_NAMES = {
    SignatureCoverageLevel.ENTIRE_FILE: "entire_file",
    SignatureCoverageLevel.ENTIRE_REVISION: "entire_revision",
    SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "contiguous_block",
    SignatureCoverageLevel.UNCLEAR: "unclear",
}


@dataclass(frozen=True)
class SignatureReport:
    """The verdict on one signature of the document."""

    field_name: str
    signer_name: str | None
    signer_subject: str | None
    signing_time: datetime | None
    timestamped: bool
    intact: bool
    valid: bool
    trusted: bool
    #: "entire_file", "entire_revision", "contiguous_block" or "unclear"
    coverage: str
    #: what changed after this signature: "none", "lta_updates", "form_filling",
    #: "annotations", "other", or None when unknown
    modification_level: str | None
    changed_fields: tuple[str, ...]
    certifying: bool
    #: DocMDP permission set by a certification signature: "no_changes", "fill_forms", "annotate"
    docmdp_level: str | None
    revision: int | None
    summary: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Intact, valid, trusted, and nothing but further signatures added after it."""
        return (
            self.error is None
            and self.intact
            and self.valid
            and self.trusted
            and self.modification_level in {m.name.lower() for m in ACCEPTABLE_AFTER}
        )


@dataclass(frozen=True)
class VerificationReport:
    """All signatures of a PDF, in signing order, and whether the document holds up."""

    signatures: list[SignatureReport] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the file parses, has signatures, and every one of them is ok."""
        return self.error is None and bool(self.signatures) and all(s.ok for s in self.signatures)

    def to_dict(self) -> dict:
        """JSON-ready form (datetimes as ISO 8601 strings)."""
        signatures = []
        for signature in self.signatures:
            data = asdict(signature)
            data["signing_time"] = (
                signature.signing_time.isoformat() if signature.signing_time else None
            )
            data["changed_fields"] = list(signature.changed_fields)
            data["ok"] = signature.ok
            signatures.append(data)
        return {"ok": self.ok, "error": self.error, "signatures": signatures}


def _common_name(cert: asn1_x509.Certificate) -> str | None:
    return cert.subject.native.get("common_name")


def _failure_reason(status) -> str | None:
    if not status.intact:
        return "the signed bytes were changed"
    if not status.valid:
        return "the signature value does not verify"
    if not status.trusted:
        return "the signer's certificate does not chain to a trusted root"
    if status.modification_level not in ACCEPTABLE_AFTER:
        return "the document was changed after this signature"
    if not status.bottom_line:
        return "timestamp, seed value or certification checks failed"
    return None


def _verify_one(embedded, context: ValidationContext) -> SignatureReport:
    cert = embedded.signer_cert
    docmdp = embedded.docmdp_level
    base = {
        "field_name": embedded.field_name,
        "signer_name": _common_name(cert) if cert is not None else None,
        "signer_subject": cert.subject.human_friendly if cert is not None else None,
        "certifying": docmdp is not None,
        "docmdp_level": docmdp.name.lower() if docmdp is not None else None,
    }
    try:
        status = validate_pdf_signature(embedded, signer_validation_context=context)
    except Exception as exc:  # a damaged signature can fail in the ASN.1 or crypto layer
        return SignatureReport(
            **base,
            signing_time=embedded.self_reported_timestamp,
            timestamped=False,
            intact=False,
            valid=False,
            trusted=False,
            coverage="unclear",
            modification_level=None,
            changed_fields=(),
            revision=getattr(embedded, "signed_revision", None),
            summary="ERROR",
            error=f"{type(exc).__name__}: {exc}",
        )
    timestamp = status.timestamp_validity
    level = status.modification_level
    diff = status.diff_result
    changed = tuple(sorted(getattr(diff, "changed_form_fields", ()) or ()))
    return SignatureReport(
        **base,
        signing_time=timestamp.timestamp if timestamp is not None else status.signer_reported_dt,
        timestamped=timestamp is not None and timestamp.intact and timestamp.valid,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        coverage=COVERAGE_NAMES.get(status.coverage, "unclear"),
        modification_level=level.name.lower() if level is not None else None,
        changed_fields=changed,
        revision=embedded.signed_revision,
        summary=status.summary(),
        error=_failure_reason(status),
    )


@off_event_loop
def verify_pdf(
    data: bytes, trust_roots: list[asn1_x509.Certificate | x509.Certificate]
) -> VerificationReport:
    """Validate every signature in ``data`` against ``trust_roots`` (no network fetching)."""
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        return VerificationReport(error=f"not a readable PDF: {exc}")
    if not embedded:
        return VerificationReport(error="the document carries no signature")
    context = ValidationContext(
        trust_roots=[to_asn1(root) for root in trust_roots], allow_fetching=False
    )
    return VerificationReport(signatures=[_verify_one(sig, context) for sig in embedded])
