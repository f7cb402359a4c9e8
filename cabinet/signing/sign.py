"""PAdES signing of records: incremental update, visible stamp in an embedded font (stays PDF/A)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from zoneinfo import ZoneInfo

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.stamp import TextStampStyle

from cabinet.pdf import pdf_font_path
from cabinet.signing.loop import off_event_loop

from .backends import SignerBackend

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


#: Characters the stamp font keeps: Latin, Vietnamese letters and tone marks, punctuation, ₫.
STAMP_CHARACTERS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *range(0x1A0, 0x1B1),
    *range(0x300, 0x370),
    *range(0x1EA0, 0x1EFA),
    *range(0x2010, 0x2045),
    0x20AB,
]


@lru_cache(maxsize=4)
def _stamp_font_bytes(path: str) -> bytes:
    # pyHanko writes glyph widths (/W, TJ) in raw font units, which is right only for fonts
    # with 1000 units per em; Liberation Serif has 2048, so its glyphs would be spread out
    # and clipped. Rescaling to 1000 (after keeping only the stamp's characters, which makes
    # it ~0.3 s instead of ~1.4 s) once per process fixes the stamp.
    font = TTFont(path)
    options = subset.Options()
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=STAMP_CHARACTERS)
    subsetter.subset(font)
    scale_upem(font, 1000)
    buffer = BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class _InMemoryFont(GlyphAccumulatorFactory):
    """pyHanko's factory leaves the font file open and mis-scales 2048-unit fonts; not this one."""

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=BytesIO(_stamp_font_bytes(self.font_file)),
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )


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
) -> bytes:
    """Sign ``pdf`` (PAdES B-B, B-T with a TSA) in an incremental update; return the new file.

    ``certify=True`` makes a certification signature whose DocMDP allows only further
    signatures and form filling (the secretary's); otherwise an approval signature (the chair's).
    ``box`` is (x1, y1, x2, y2) in PDF points on the 0-based ``page``. A certified document
    accepts no new fields afterwards, so the later signers' fields go in ``reserve``.
    """
    if isinstance(signer, SignerBackend):
        with signer.open() as opened:
            return sign_pdf(
                pdf,
                opened,
                field_name=field_name,
                page=page,
                box=box,
                signer_name=signer_name,
                capacity=capacity,
                certify=certify,
                timestamp_url=timestamp_url,
                reserve=reserve,
            )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        name=signer_name,
        reason=capacity,
    )
    timestamper = HTTPTimeStamper(timestamp_url, timeout=15) if timestamp_url else None
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        if certify and writer.prev.embedded_signatures:
            raise SigningFailed("a certification signature must be the document's first signature")
        existing = {name for name, _, _ in fields.enumerate_sig_fields(writer.prev)}
        field_spec = None
        if field_name not in existing:
            field_spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)
        for slot in reserve:
            if slot.field_name in existing or slot.field_name == field_name:
                raise SigningFailed(f"signature field {slot.field_name!r} exists already")
            # An empty widget still needs an appearance stream to stay PDF/A.
            spec = fields.SigFieldSpec(
                sig_field_name=slot.field_name,
                on_page=slot.page,
                box=slot.box,
                empty_field_appearance=True,
            )
            fields.append_signature_field(writer, spec)
        pdf_signer = signers.PdfSigner(
            meta,
            signer,
            timestamper=timestamper,
            stamp_style=_stamp_style(),
            new_field_spec=field_spec,
        )
        output = BytesIO()
        pdf_signer.sign_pdf(
            writer,
            appearance_text_params={
                "signer_name": signer_name,
                "capacity": capacity,
                "local_time": _local_time(datetime.now(STAMP_TIMEZONE)),
            },
            output=output,
        )
    except (SigningError, PdfError) as exc:
        raise SigningFailed(str(exc)) from exc
    return output.getvalue()
