"""Per-reader watermarked copies of restricted papers.

Every page gets the reader's text twice: large, light and diagonal across the page (visible on a
photo or a printout) and as a small footer line (extractable, so a leaked copy names its reader).
The font is a TrueType font with Vietnamese glyphs, embedded as a subset with a ToUnicode map, so
the diacritics survive text extraction. A copy is made once per (reader, version) and cached.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
from functools import cache
from pathlib import Path

from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from cabinet.storage.store import ContentStore

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",  # Debian fonts-noto-core
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian fonts-dejavu-core
)
_FONT_NAME = "EcabinetWatermark"


@cache
def _font(path: str | None) -> str:
    found = path or next((p for p in FONT_CANDIDATES if Path(p).is_file()), None)
    if found is None:
        raise RuntimeError(
            "No TrueType font with Vietnamese glyphs for watermarks: install fonts-noto-core"
        )
    name = f"{_FONT_NAME}-{abs(hash(found))}"
    pdfmetrics.registerFont(TTFont(name, found))
    return name


def watermark_path(store: ContentStore, sha256: str, reader_id: int) -> Path:
    """Where the watermarked copy of a stored PDF for one reader is cached."""
    store.path_for(sha256)  # validates the hash
    return store.watermark_dir / sha256[:2] / sha256 / f"{int(reader_id)}.pdf"


def watermarked_copy(
    store: ContentStore, sha256: str, reader_id: int, text: str, *, font_path: str | None = None
) -> Path:
    """The stored PDF with ``text`` on every page, made once per (reader, version) and cached."""
    target = watermark_path(store, sha256, reader_id)
    if target.is_file():
        return target
    font = _font(font_path)
    overlays: dict[tuple[float, float], object] = {}
    with store.open(sha256) as source:
        writer = PdfWriter(clone_from=PdfReader(source))
        for page in writer.pages:
            # Draw in the orientation the reader sees, whatever /Rotate the page carries.
            page.transfer_rotation_to_content()
            box = page.cropbox
            size = (round(float(box.width), 2), round(float(box.height), 2))
            if size not in overlays:
                overlays[size] = PdfReader(io.BytesIO(_overlay(size, text, font))).pages[0]
            page.merge_transformed_page(
                overlays[size],
                Transformation().translate(float(box.left), float(box.bottom)),
                over=True,
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".wm-")
        try:
            with os.fdopen(fd, "wb") as out:
                writer.write(out)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    return target


def _overlay(size: tuple[float, float], text: str, font: str) -> bytes:
    """One transparent page of ``size`` carrying the diagonal mark and the footer line."""
    width, height = size
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=size, invariant=True)

    diagonal = math.hypot(width, height)
    natural = stringWidth(text, font, 10) or 1.0
    font_size = max(12.0, min(54.0, 10 * 0.75 * diagonal / natural))
    page.saveState()
    page.translate(width / 2, height / 2)
    page.rotate(math.degrees(math.atan2(height, width)))
    page.setFillColorRGB(0.45, 0.45, 0.45, alpha=0.16)
    page.setFont(font, font_size)
    page.drawCentredString(0, -font_size / 3, text)
    page.restoreState()

    footer_size = 8.0
    while footer_size > 4 and stringWidth(text, font, footer_size) > width - 24:
        footer_size -= 0.5
    page.setFillColorRGB(0.3, 0.3, 0.3, alpha=0.75)
    page.setFont(font, footer_size)
    page.drawCentredString(width / 2, 10, text)

    page.showPage()
    page.save()
    return buffer.getvalue()
