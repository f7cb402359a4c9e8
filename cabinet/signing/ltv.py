"""Long-term validation: PAdES B-LTA after the last signature, and the archive's timestamp chain.

- :func:`complete_archive`: revocation data for every certificate in every signature's chains
  (and their timestamps') goes into the DSS, then a document timestamp covers it all (B-LTA).
- :func:`extend_archive`: before the last document timestamp's TSA certificate expires (or its
  algorithms weaken), its own validation data goes into the DSS and a new document timestamp
  covers the file (pyHanko's ``update_archival_timestamp_chain``).
- :func:`archive_horizon`: until when the newest document timestamp (or, without one, the
  signatures) can still be validated: the earliest expiry in its certificate chain.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.sign.validation import DocumentSecurityStore, collect_validation_info
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from cabinet.pki.trust import TrustPolicy
from cabinet.signing.loop import off_event_loop

from .sign import SigningFailed, refusal

#: Name prefix of the document timestamp fields this application adds.
ARCHIVE_FIELD_PREFIX = "LTA"


async def _collect_and_timestamp(pdf: bytes, timestamp_url: str, trust: TrustPolicy) -> bytes:
    context = trust.validation_context()
    try:
        return await _complete(pdf, timestamp_url, context)
    finally:
        await context.aclose()  # the fetchers' HTTP sessions belong to this event loop


async def _complete(pdf: bytes, timestamp_url: str, context) -> bytes:
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    signatures = list(reader.embedded_regular_signatures)
    if not signatures:
        raise SigningFailed("the document carries no signature to preserve")
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    for embedded in signatures:
        paths = await collect_validation_info(embedded, context)
        # One DSS revision for all signatures: OCSP responses, CRLs and certificates of every
        # chain (signers' and signature timestamps'), with a VRI entry per signature.
        DocumentSecurityStore.supply_dss_in_writer(
            writer,
            embedded.pkcs7_content.hex().encode("ascii"),
            paths=paths,
            validation_context=context,
        )
    output = BytesIO()
    stamper = PdfTimeStamper(
        HTTPTimeStamper(timestamp_url, timeout=15),
        field_name=f"{ARCHIVE_FIELD_PREFIX}-{len(reader.embedded_timestamp_signatures) + 1}",
    )
    await stamper.async_timestamp_pdf(writer, "sha256", context, output=output)
    return output.getvalue()


@off_event_loop
def complete_archive(pdf: bytes, *, timestamp_url: str, trust: TrustPolicy) -> bytes:
    """Make a signed PDF PAdES B-LTA: DSS with every chain's revocation data, then a document
    timestamp (whose own validation data follows in the DSS)."""
    try:
        return asyncio.run(_collect_and_timestamp(pdf, timestamp_url, trust))
    except SigningFailed:
        raise
    except (
        SigningError,
        PdfError,
        PathValidationError,
        PathBuildingError,
        TimestampRequestError,
    ) as exc:
        raise refusal(exc) from exc


@off_event_loop
def extend_archive(pdf: bytes, *, timestamp_url: str, trust: TrustPolicy) -> bytes:
    """Add the last document timestamp's validation data and a new document timestamp."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    number = len(reader.embedded_timestamp_signatures) + 1
    stamper = PdfTimeStamper(
        HTTPTimeStamper(timestamp_url, timeout=15),
        field_name=f"{ARCHIVE_FIELD_PREFIX}-{number}",
    )
    output = BytesIO()
    try:
        stamper.update_archival_timestamp_chain(
            reader, trust.validation_context(), in_place=False, output=output
        )
    except (
        SigningError,
        PdfError,
        PathValidationError,
        PathBuildingError,
        TimestampRequestError,
    ) as exc:
        raise refusal(exc) from exc
    return output.getvalue()


def _chain_expiry(signed_data) -> datetime | None:
    certs = [c.chosen for c in signed_data["certificates"] if c.name == "certificate"]
    ends = [c["tbs_certificate"]["validity"]["not_after"].native for c in certs]
    return min(ends) if ends else None


def archive_horizon(pdf: bytes) -> datetime | None:
    """Until when the file can be validated as it is: the earliest expiry among the certificates
    of its newest document timestamp (after it, the timestamp chain must have been extended)."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    timestamps = reader.embedded_timestamp_signatures
    if timestamps:
        return _chain_expiry(timestamps[-1].signed_data)
    signers = [s.signer_cert for s in reader.embedded_regular_signatures]
    ends = [
        c["tbs_certificate"]["validity"]["not_after"].native
        for c in signers
        if isinstance(c, asn1_x509.Certificate)
    ]
    return min(ends) if ends else None
