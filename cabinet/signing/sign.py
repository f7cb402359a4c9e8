"""PAdES signing of records: incremental update, visible stamp in an embedded font (stays PDF/A).

Personal signatures (:func:`sign_pdf`) show a text stamp; an organisation's signature
(:func:`seal_pdf`) shows its seal image. Both are timestamped by a TSA (B-T) and carry the
revocation data of their chains in the DSS (B-LT) when given a trust policy;
:mod:`cabinet.signing.ltv` adds the document timestamp after the last one (B-LTA).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.stamp import TextStampStyle
from pyhanko.stamp.base import BaseStampStyle
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from cabinet.pdf import pdf_font_path
from cabinet.pki.trust import TrustPolicy
from cabinet.signing.loop import off_event_loop

from .backends import SignerBackend
from .fonts import _InMemoryFont
from .fonts import _stamp_font_bytes as _stamp_font_bytes  # bench_minutes times it
from .issuance import TextSlot, add_text_fields, fill_text_fields, image_style, seal_style

#: Shown in the visible stamp; the cryptographic signing time is UTC inside the signature.
STAMP_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
STAMP_TEXT = "Ký bởi: %(signer_name)s\n%(capacity)s\nThời gian: %(local_time)s"


# fontTools reports every table it cannot subset (FFTM) at warning level on each signature.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


class SigningFailed(Exception):
    """The PDF could not be signed (bad input, forbidden by an earlier certification, ...)."""


@dataclass(frozen=True)
class SignatureSlot:
    """Where a later signer will sign: an empty field reserved in the certified revision."""

    field_name: str
    page: int
    box: tuple[float, float, float, float]


def _stamp_style() -> TextStampStyle:
    font = _InMemoryFont(str(pdf_font_path()), font_size=9)
    return TextStampStyle(
        stamp_text=STAMP_TEXT,
        text_box_style=TextBoxStyle(font=font, font_size=9, leading=12),
        border_width=1,
    )


def _local_time(moment: datetime) -> str:
    local = moment.astimezone(STAMP_TIMEZONE)
    return local.strftime("%d/%m/%Y %H:%M:%S") + " (GMT+7)"


class SignerRevoked(SigningFailed):
    """The signer's certificate is revoked: the CA's OCSP responder or CRL says so."""


class SignerNotValidated(SigningFailed):
    """The signer's certificate could not be validated now (expired, untrusted, no revocation
    data from a certificate that names its OCSP/CRL service)."""


class TimestampUnavailable(SigningFailed):
    """The time-stamping authority did not answer, or its answer did not validate."""


def refusal(exc: BaseException) -> SigningFailed:
    """The precise refusal for a pyHanko signing error (its cause chain says what failed)."""
    chain = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    for item in chain:
        if isinstance(item, RevokedError):
            return SignerRevoked(f"the signer's certificate is revoked: {item}")
        if isinstance(item, ExpiredError):
            return SignerNotValidated(f"the signer's certificate is expired: {item}")
        if isinstance(item, InsufficientRevinfoError):
            return SignerNotValidated(f"no usable revocation data for the certificate: {item}")
        if isinstance(item, PathBuildingError):
            return SignerNotValidated(f"the certificate does not chain to a trusted root: {item}")
        if isinstance(item, TimestampRequestError):
            return TimestampUnavailable(f"the time-stamping authority failed: {item}")
    return SigningFailed(str(exc))


@dataclass(frozen=True)
class LtvOptions:
    """How much long-term validation material a signature carries.

    With a ``timestamp_url`` the signature is timestamped (B-T). With a ``trust`` policy the
    signer's certificate and the TSA are validated before signing (a revoked certificate is
    refused) and the OCSP responses, CRLs and certificates gathered are embedded in the DSS
    right after the signature (B-LT).
    """

    timestamp_url: str | None = None
    trust: TrustPolicy | None = None

    def timestamper(self) -> HTTPTimeStamper | None:
        """The RFC 3161 client, when a TSA is configured."""
        return HTTPTimeStamper(self.timestamp_url, timeout=15) if self.timestamp_url else None


def _sign(
    pdf: bytes,
    signer: signers.Signer | SignerBackend,
    meta: signers.PdfSignatureMetadata,
    *,
    style: BaseStampStyle,
    text_params: dict[str, str],
    field_spec: fields.SigFieldSpec | None,
    reserve: Sequence[SignatureSlot],
    ltv: LtvOptions,
    reserve_text: Sequence[TextSlot] = (),
    fill: dict[str, str] | None = None,
) -> bytes:
    if isinstance(signer, SignerBackend):
        with signer.open() as opened:
            return _sign(
                pdf,
                opened,
                meta,
                style=style,
                text_params=text_params,
                field_spec=field_spec,
                reserve=reserve,
                ltv=ltv,
                reserve_text=reserve_text,
                fill=fill,
            )
    if ltv.trust is not None:
        meta = dataclasses.replace(
            meta,
            validation_context=ltv.trust.validation_context(),
            embed_validation_info=True,
        )
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        if meta.certify and writer.prev.embedded_signatures:
            raise SigningFailed("a certification signature must be the document's first signature")
        existing = {name for name, _, _ in fields.enumerate_sig_fields(writer.prev)}
        if field_spec is not None and field_spec.sig_field_name in existing:
            field_spec = None  # a reserved field: its place is in the file already
        for slot in reserve:
            if slot.field_name in existing or slot.field_name == meta.field_name:
                raise SigningFailed(f"signature field {slot.field_name!r} exists already")
            # An empty widget still needs an appearance stream to stay PDF/A.
            spec = fields.SigFieldSpec(
                sig_field_name=slot.field_name,
                on_page=slot.page,
                box=slot.box,
                empty_field_appearance=True,
            )
            fields.append_signature_field(writer, spec)
        if fill:  # the office's issuance: fill the reserved fields (adding any not reserved)
            fill_text_fields(writer, reserve_text, fill)
        elif reserve_text:
            add_text_fields(writer, reserve_text)
        pdf_signer = signers.PdfSigner(
            meta,
            signer,
            timestamper=ltv.timestamper(),
            stamp_style=style,
            new_field_spec=field_spec,
        )
        output = BytesIO()
        pdf_signer.sign_pdf(writer, appearance_text_params=text_params, output=output)
    except SigningFailed:
        raise
    except LookupError as exc:
        raise SigningFailed(str(exc)) from exc
    except (SigningError, PdfError, PathValidationError, PathBuildingError) as exc:
        raise refusal(exc) from exc
    except TimestampRequestError as exc:
        raise refusal(exc) from exc
    return output.getvalue()


@off_event_loop
def sign_pdf(
    pdf: bytes,
    signer: signers.Signer | SignerBackend,
    *,
    field_name: str,
    page: int,
    box: tuple[float, float, float, float],
    signer_name: str,
    capacity: str,
    certify: bool,
    timestamp_url: str | None = None,
    reserve: Sequence[SignatureSlot] = (),
    trust: TrustPolicy | None = None,
    image: bytes | None = None,
    reserve_text: Sequence[TextSlot] = (),
) -> bytes:
    """Sign ``pdf`` (PAdES B-B; B-T with a TSA; B-LT with a trust policy) in an incremental update.

    ``certify=True`` makes a certification signature whose DocMDP allows only further
    signatures and form filling (the secretary's); otherwise an approval signature (the chair's).
    ``box`` is (x1, y1, x2, y2) in PDF points on the 0-based ``page``. A certified document
    accepts no new fields afterwards, so the later signers' fields go in ``reserve`` and the
    text fields the issuing office fills afterwards (number, date) in ``reserve_text``. With an
    ``image`` the signature shows only that image (Decree 30: the signature image, no text).
    """
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        name=signer_name,
        reason=capacity,
    )
    return _sign(
        pdf,
        signer,
        meta,
        style=image_style(image) if image is not None else _stamp_style(),
        text_params=dict(
            signer_name=signer_name,
            capacity=capacity,
            local_time=_local_time(datetime.now(STAMP_TIMEZONE)),
        ),
        field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box),
        reserve=reserve,
        ltv=LtvOptions(timestamp_url, trust),
        reserve_text=reserve_text,
    )


@off_event_loop
def seal_pdf(
    pdf: bytes,
    signer: signers.Signer | SignerBackend,
    *,
    box: tuple[float, float, float, float],
    image: bytes,
    organization: str,
    page: int = 0,
    field_name: str = "seal",
    timestamp_url: str | None = None,
    trust: TrustPolicy | None = None,
    slots: Sequence[TextSlot] = (),
    fill: dict[str, str] | None = None,
) -> bytes:
    """Apply an organisation's signature: its seal image in ``box``, its name and the ISO 8601 time.

    Decree 30/2020's organisation signature, made after the competent person's: ``box`` is
    usually the left third of that person's signature box, ``image`` the seal (PNG, with
    transparency), ``signer`` the organisation's certificate. An approval signature, so it
    may follow a certification signature whose DocMDP allows form filling, provided its field
    was reserved; otherwise it creates the field. ``fill`` gives the values of the text
    fields ``slots`` (the number and date the office issues), filled in the same revision.
    """
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=organization,
        reason="Đóng dấu",
    )
    style = seal_style(image)
    now = datetime.now(STAMP_TIMEZONE).replace(microsecond=0)
    return _sign(
        pdf,
        signer,
        meta,
        style=style,
        text_params=dict(organization=organization, iso_time=now.isoformat()),
        field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box),
        reserve=(),
        ltv=LtvOptions(timestamp_url, trust),
        reserve_text=slots if fill else (),
        fill=fill,
    )
