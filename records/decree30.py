"""The signing ORDER of records and what each signature shows (Decree 30/2020, Appendix I).

Who signs when, when the number is taken from the register, and which image goes where; the
cryptography (PAdES, timestamps, revocation data) is ``records.signing`` / ``cabinet.signing``.

- **Minutes**: the secretary, then the chair (the Government's working regulation and
  Decree 30's minutes form); the number is taken when the minutes are finalised.
- **Decision records** under ``decision_signing_order = "decree30"`` (the default): the
  competent person (the chair) signs first, with his signature image and no text; the number
  and date are issued from the register at that moment (not before, so a draft never holds a
  number); then the clerk (văn thư) applies the organisation's signature with the
  organisation's certificate: the seal image, over the left third of the chair's signature,
  with the organisation's name and the time in ISO 8601.
- ``"secretary_first"``: the earlier order some ministries keep (the secretariat certifies,
  then the chair signs); the number is issued before signing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from cabinet.dates import local
from cabinet.pdf import pdf_font_path
from cabinet.signing import issue_user_p12
from cabinet.signing.keys import DemoCA

#: The organisation's name on its seal and in its signature's text (Decree 30: "tên cơ quan").
ORGANISATION = "CHÍNH PHỦ"
#: The clerk's unit, ringed on the seal.
SEAL_RING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
#: Diameter of the demo seal image on the page (36 mm, in PDF points). Decree 30 asks for the
#: seal's real size: a deployment's scanned seal brings its own.
SEAL_DIAMETER_PT = 36 / 25.4 * 72
#: The seal covers this fraction of the person's signature, from its left edge.
SEAL_OVERLAP = 1 / 3


class Signer(StrEnum):
    """Who signs, by capacity (not by person)."""

    SECRETARY = "secretary"
    CHAIR = "chair"
    ORGANISATION = "organisation"


class Mark(StrEnum):
    """What the signature shows on the page."""

    TEXT = "text"  # the stamp text: signer, capacity, time
    SIGNATURE_IMAGE = "signature_image"  # the person's signature image, no text
    SEAL = "seal"  # the organisation's seal image, its name and the ISO 8601 time


@dataclass(frozen=True)
class Step:
    """One signature in a record's order."""

    signer: Signer
    mark: Mark
    #: The number and date are taken from the register once this signature is made.
    issues_number: bool = False
    #: This signature certifies the document (DocMDP: only signatures and form filling after).
    certify: bool = False
    #: The layout block the signature sits in (the seal sits over the chair's block).
    anchor: str = ""


MINUTES_ORDER = (
    Step(Signer.SECRETARY, Mark.TEXT, certify=True, anchor="sig-secretary"),
    Step(Signer.CHAIR, Mark.TEXT, anchor="sig-chair"),
)
DECREE30_ORDER = (
    Step(Signer.CHAIR, Mark.SIGNATURE_IMAGE, issues_number=True, anchor="sig-chair"),
    Step(Signer.ORGANISATION, Mark.SEAL, anchor="sig-chair"),
)
SECRETARY_FIRST_ORDER = (
    Step(Signer.SECRETARY, Mark.TEXT, certify=True, anchor="sig-secretary"),
    Step(Signer.CHAIR, Mark.TEXT, anchor="sig-chair"),
)
ORDERS = {"decree30": DECREE30_ORDER, "secretary_first": SECRETARY_FIRST_ORDER}


def signing_order(record_type: str, decision_order: str = "decree30") -> tuple[Step, ...]:
    """The signatures a record takes, in order (``record_type``: "minutes" or "decision")."""
    if record_type == "minutes":
        return MINUTES_ORDER
    return ORDERS[decision_order]


def next_step(order: tuple[Step, ...], signed: list[Signer] | tuple[Signer, ...]) -> Step | None:
    """The step awaited after the signatures already made (None: complete)."""
    if list(signed) != [step.signer for step in order[: len(signed)]]:
        raise ValueError(f"signatures {list(signed)} are out of order")
    return order[len(signed)] if len(signed) < len(order) else None


def number_before_signing(order: tuple[Step, ...]) -> bool:
    """Whether the record takes its number before the first signature (the older order)."""
    return not any(step.issues_number for step in order)


Box = tuple[float, float, float, float]


def seal_box(signature: Box, diameter: float = SEAL_DIAMETER_PT) -> Box:
    """The seal's place: a ``diameter`` circle whose right edge covers the left third of the
    person's signature ``(x1, y1, x2, y2)``, vertically centred on it (PDF points)."""
    x1, y1, x2, y2 = signature
    right = x1 + (x2 - x1) * SEAL_OVERLAP
    middle = (y1 + y2) / 2
    return (
        round(right - diameter, 2),
        round(middle - diameter / 2, 2),
        round(right, 2),
        round(middle + diameter / 2, 2),
    )


#: Under the seal, its signature shows the organisation's name and the ISO 8601 time.
SEAL_TEXT_HEIGHT = 16


def seal_field_box(signature: Box, diameter: float = SEAL_DIAMETER_PT) -> Box:
    """The organisation signature's field: the seal's place (:func:`seal_box`) and, under it,
    the lines with the organisation's name and the signing time."""
    x1, y1, x2, y2 = seal_box(signature, diameter)
    return (x1, round(y1 - SEAL_TEXT_HEIGHT, 2), x2, y2)


def seal_in_block(block: Box, diameter: float = SEAL_DIAMETER_PT) -> Box:
    """The organisation signature's field when nobody signed before (the summary of opinions):
    the seal at its real size, centred at the top of the office's block, the text under it."""
    x1, _y1, x2, y2 = block
    middle = (x1 + x2) / 2
    return (
        round(middle - diameter / 2, 2),
        round(y2 - diameter - SEAL_TEXT_HEIGHT, 2),
        round(middle + diameter / 2, 2),
        y2,
    )


def seal_text(moment: datetime, organisation: str = ORGANISATION) -> str:
    """The organisation signature's text: its name and the signing time in ISO 8601 (local)."""
    return f"{organisation}\n{local(moment).replace(microsecond=0).isoformat()}"


# ---- the organisation's keystore and seal (kept beside the people's keys) ----

ORG_DIR = "organisation"
ORG_P12 = "organisation.p12"
SEAL_FILE = "seal.png"


def organisation_p12_path(keys_dir: Path) -> Path:
    """Where the organisation's keystore (its certificate, used by the clerk) is kept."""
    return Path(keys_dir) / ORG_DIR / ORG_P12


def seal_path(keys_dir: Path) -> Path:
    """Where the seal image (transparent PNG) the organisation's signature shows is kept."""
    return Path(keys_dir) / ORG_DIR / SEAL_FILE


def issue_organisation_keystore(
    ca: DemoCA,
    keys_dir: Path,
    *,
    passphrase: str,
    organisation: str = ORGANISATION,
    unit: str = "Văn phòng Chính phủ",
    overwrite: bool = False,
) -> Path:
    """Issue the organisation's certificate (CN = the organisation) into its keystore and draw
    its seal image beside it (a real deployment imports both from its CA and its seal)."""
    path = organisation_p12_path(keys_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    issue_user_p12(
        ca, path, name=organisation, ministry=unit, passphrase=passphrase, overwrite=overwrite
    )
    if overwrite or not seal_path(keys_dir).exists():
        seal_path(keys_dir).write_bytes(seal_png(organisation))
    return path


# ---- images (demo: drawn; a real deployment puts the scanned seal and signatures in keys_dir) ----


def _font(size: int, *, bold: bool = False, italic: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        str(pdf_font_path(700 if bold else 400, "italic" if italic else "normal")), size
    )


def seal_png(organisation: str = ORGANISATION, ring: str = SEAL_RING, size: int = 600) -> bytes:
    """A red round seal on a transparent background (PNG), as Decree 30 asks of the image."""
    red = (200, 16, 46, 255)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    pad = size // 40
    draw.ellipse((pad, pad, size - pad, size - pad), outline=red, width=size // 50)
    inner = size // 5
    draw.ellipse((inner, inner, size - inner, size - inner), outline=red, width=size // 90)
    # The ring text, letter by letter along the upper arc.
    font = _font(size // 16, bold=True)
    radius = size / 2 - size / 9
    letters = list(ring)
    span = math.radians(250)
    for n, letter in enumerate(letters):
        angle = math.radians(-90) - span / 2 + span * n / max(len(letters) - 1, 1)
        x = size / 2 + radius * math.cos(angle)
        y = size / 2 + radius * math.sin(angle)
        glyph = Image.new("RGBA", (size // 10, size // 10), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (size // 20, size // 20), letter, font=font, fill=red, anchor="mm"
        )
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        image.alpha_composite(glyph, (int(x - size // 20), int(y - size // 20)))
    draw.text(
        (size / 2, size / 2 + size // 9),
        organisation,
        font=_font(size // 12, bold=True),
        fill=red,
        anchor="mm",
    )
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def signature_png(name: str, size: tuple[int, int] = (840, 248)) -> bytes:
    """A person's signature image (demo: the name in italics with a flourish), transparent PNG."""
    blue = (20, 40, 140, 255)
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    last = name.split()[-1] if name.split() else name
    draw.text(
        (size[0] * 0.45, size[1] * 0.45),
        last,
        font=_font(size[1] // 2, italic=True),
        fill=blue,
        anchor="mm",
    )
    draw.line(
        [
            (size[0] * 0.15, size[1] * 0.78),
            (size[0] * 0.55, size[1] * 0.7),
            (size[0] * 0.85, size[1] * 0.82),
        ],
        fill=blue,
        width=5,
        joint="curve",
    )
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
