"""Verification of signed records: one report per signature, its PAdES level, what changed
after it, and a bottom line.

A signature covered by a later document timestamp (or checked at another moment than now) is
validated with pyHanko's AdES long-term engine (ETSI EN 319 102-1: the document timestamps
prove when the signature existed, the DSS holds the revocation data of that time), so a
certificate revoked or expired after signing does not void it. Any other signature is validated
at the present moment, with revocation checked online as the trust policy says.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from datetime import datetime
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import DocumentSecurityStore, async_validate_pdf_signature
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.errors import ValidationInfoReadingError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy

from cabinet.pki.trust import TrustPolicy
from cabinet.signing.loop import off_event_loop

from .changes import Change, LaterSignature, changes_after
from .ltv import archive_horizon

#: Changes after a signature that keep it acceptable: none, LTV data, further signatures.
ACCEPTABLE_AFTER = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)
LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")

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
    #: pyHanko's grade of what changed after this signature: "none", "lta_updates",
    #: "form_filling", "annotations", "other", or None when unknown
    modification_level: str | None
    changed_fields: tuple[str, ...]
    certifying: bool
    #: DocMDP permission set by a certification signature: "no_changes", "fill_forms", "annotate"
    docmdp_level: str | None
    revision: int | None
    summary: str
    #: why it fails, in English (the pages translate :attr:`reason`)
    error: str | None = None
    #: "tampered", "invalid", "untrusted", "revoked", "changed_after", "display_changed",
    #: "indeterminate" or "error" (None when the signature holds)
    reason: str | None = None
    #: PAdES baseline level this signature reaches: "B-B", "B-T", "B-LT" or "B-LTA"
    level: str = "B-B"
    #: every change made after this signature, in order
    changes: tuple[Change, ...] = ()
    #: AdES indication when the long-term engine decided ("PASSED", "INDETERMINATE", ...)
    ades: str | None = None
    #: when a certificate of the chain was revoked (after signing, if the signature holds)
    revoked_at: datetime | None = None
    signer_not_after: datetime | None = None

    @property
    def display_changed(self) -> bool:
        """True when a later update changed what the pages show (not by a signature)."""
        return any(c.alters_display for c in self.changes)

    @property
    def ok(self) -> bool:
        """Intact, valid, trusted, and nothing but signatures and validation data added."""
        return (
            self.reason is None
            and self.intact
            and self.valid
            and self.trusted
            and self.modification_level in {m.name.lower() for m in ACCEPTABLE_AFTER}
            and not any(c.alters_content for c in self.changes)
        )


@dataclass(frozen=True)
class VerificationReport:
    """All signatures of a PDF, in signing order, and whether the document holds up."""

    signatures: list[SignatureReport] = field(default_factory=list)
    error: str | None = None
    #: "unreadable" (not a PDF pyHanko can parse) or "unsigned" (no signature), with ``error``
    error_code: str | None = None
    #: number of document timestamps (archive timestamps) in the file
    document_timestamps: int = 0
    #: until when the file validates as it is (the newest timestamp's or signers' certificates)
    horizon: datetime | None = None
    #: the moment the verdict applies to (None: now)
    at: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when the file parses, has signatures, and every one of them is ok."""
        return self.error is None and bool(self.signatures) and all(s.ok for s in self.signatures)

    @property
    def level(self) -> str | None:
        """The document's PAdES level: the lowest of its signatures'."""
        if not self.signatures:
            return None
        return min((s.level for s in self.signatures), key=LEVELS.index)

    def to_dict(self) -> dict:
        """JSON-ready form (datetimes as ISO 8601 strings)."""
        signatures = []
        for signature in self.signatures:
            data = asdict(signature)
            for key in ("signing_time", "revoked_at", "signer_not_after"):
                value = getattr(signature, key)
                data[key] = value.isoformat() if value else None
            data["changed_fields"] = list(signature.changed_fields)
            data["changes"] = [
                asdict(c) | {"alters_display": c.alters_display} for c in signature.changes
            ]
            data["display_changed"] = signature.display_changed
            data["ok"] = signature.ok
            signatures.append(data)
        return {
            "ok": self.ok,
            "error": self.error,
            "error_code": self.error_code,
            "level": self.level,
            "horizon": self.horizon.isoformat() if self.horizon else None,
            "document_timestamps": self.document_timestamps,
            "signatures": signatures,
        }


def _common_name(cert: asn1_x509.Certificate) -> str | None:
    return cert.subject.native.get("common_name")


def _failure(status, ades_ok: bool | None) -> tuple[str | None, str | None]:
    if not status.intact:
        return "tampered", "the signed bytes were changed"
    if not status.valid:
        return "invalid", "the signature value does not verify"
    if ades_ok is False or (ades_ok is None and not status.trusted):
        if status.revoked and ades_ok is None:
            return "revoked", "the signer's certificate is revoked"
        return "untrusted", "the signer's certificate could not be validated at the signing time"
    if status.modification_level not in ACCEPTABLE_AFTER:
        return "changed_after", "the document was changed after this signature"
    return None, None


async def _long_term(embedded, roots, moment: datetime | None) -> bool:
    """B-LT: the DSS alone (no network) proves the chains were good when the signature was made."""
    try:
        dss = DocumentSecurityStore.read_dss(embedded.reader)
    except ValidationInfoReadingError:
        return False
    context = dss.as_validation_context(
        {
            "trust_roots": list(roots),
            "moment": moment,
            "revinfo_policy": CertRevTrustPolicy(REQUIRE_REVINFO),
        }
    )
    checked = await async_validate_pdf_signature(
        embedded, signer_validation_context=context, ts_validation_context=context, skip_diff=True
    )
    ts_ok = checked.timestamp_validity is None or checked.timestamp_validity.trusted
    return checked.trusted and ts_ok


async def _verify_one(
    embedded, policy: TrustPolicy, later: list[LaterSignature], at: datetime | None
) -> SignatureReport:
    cert = embedded.signer_cert
    docmdp = embedded.docmdp_level
    covered = any(s.timestamp and s.revision > embedded.signed_revision for s in later)
    base = {
        "field_name": embedded.field_name,
        "signer_name": _common_name(cert) if cert is not None else None,
        "signer_subject": cert.subject.human_friendly if cert is not None else None,
        "certifying": docmdp is not None,
        "docmdp_level": docmdp.name.lower() if docmdp is not None else None,
        "signer_not_after": cert["tbs_certificate"]["validity"]["not_after"].native
        if cert is not None
        else None,
    }
    ades = None
    try:
        if covered or at is not None:
            timing = None
            if at is not None:
                timing = ValidationTimingInfo(
                    validation_time=at, best_signature_time=at, point_in_time_validation=True
                )
            result = await ades_lta_validation(
                embedded, policy.ades_spec(always_fetch=at is not None), timing_info=timing
            )
            status = result.api_status
            passed = isinstance(result.ades_subindic, AdESPassed)
            ades = "PASSED" if passed else type(result.ades_subindic).__name__.removeprefix("AdES")
            if status is None:
                raise ValueError(result.failure_msg or "no validation result")
        else:
            context = policy.validation_context()
            try:
                status = await async_validate_pdf_signature(
                    embedded, signer_validation_context=context
                )
            finally:
                await context.aclose()
            passed = None
        timestamp = status.timestamp_validity
        timestamped = timestamp is not None and timestamp.intact and timestamp.valid
        moment = timestamp.timestamp if timestamp is not None else status.signer_reported_dt
        lt_ok = (timestamped or covered) and await _long_term(embedded, policy.roots, moment)
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
            reason="error",
        )
    level = "B-B"
    if timestamped or covered:
        level = "B-T"
        if lt_ok:
            level = "B-LTA" if covered and passed else "B-LT"
    mod = status.modification_level
    diff = status.diff_result
    changes = tuple(changes_after(embedded.reader, embedded.signed_revision, later))
    reason, error = _failure(status, passed)
    if reason in (None, "changed_after") and any(c.alters_display for c in changes):
        reason, error = "display_changed", "what the pages show changed after this signature"
    elif reason is None and any(c.alters_content for c in changes):
        reason, error = "changed_after", "the document was changed after this signature"
    revocation = status.revocation_details
    return SignatureReport(
        **base,
        signing_time=timestamp.timestamp if timestamp is not None else status.signer_reported_dt,
        timestamped=timestamped,
        intact=status.intact,
        valid=status.valid,
        trusted=bool(passed) if passed is not None else status.trusted,
        coverage=COVERAGE_NAMES.get(status.coverage, "unclear"),
        modification_level=mod.name.lower() if mod is not None else None,
        changed_fields=tuple(sorted(getattr(diff, "changed_form_fields", ()) or ())),
        revision=embedded.signed_revision,
        summary=status.summary(),
        error=error,
        reason=reason,
        level=level,
        changes=changes,
        ades=ades,
        revoked_at=revocation.revocation_date if revocation is not None else None,
    )


async def _verify_all(reader: PdfFileReader, policy: TrustPolicy, at: datetime | None):
    signatures = list(reader.embedded_regular_signatures)
    later = [
        LaterSignature(
            s.field_name,
            s.signed_revision,
            _common_name(s.signer_cert) if s.signer_cert is not None else None,
        )
        for s in signatures
    ] + [
        LaterSignature(t.field_name, t.signed_revision, None, timestamp=True)
        for t in reader.embedded_timestamp_signatures
    ]
    return [await _verify_one(s, policy, later, at) for s in signatures]


@off_event_loop
def verify_pdf(
    data: bytes,
    trust_roots: list[asn1_x509.Certificate | x509.Certificate] | None = None,
    *,
    policy: TrustPolicy | None = None,
    at: datetime | None = None,
) -> VerificationReport:
    """Validate every signature in ``data``; revocation hard-fail, fetched online, by default.

    ``policy`` overrides ``trust_roots``; ``at`` validates as a verifier would at that moment
    (the OCSP/CRL services are asked for that moment's status).
    """
    policy = policy or TrustPolicy(tuple(trust_roots or ()))
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_regular_signatures)
        timestamps = len(reader.embedded_timestamp_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        return VerificationReport(error=f"not a readable PDF: {exc}", error_code="unreadable")
    if not embedded:
        return VerificationReport(error="the document carries no signature", error_code="unsigned")
    signatures = asyncio.run(_verify_all(reader, policy, at))
    try:
        horizon = archive_horizon(data)
    except (PdfError, ValueError, KeyError, TypeError):
        horizon = None
    return VerificationReport(
        signatures=signatures, document_timestamps=timestamps, horizon=horizon, at=at
    )
