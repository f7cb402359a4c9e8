"""Fields the issuing office fills after the competent person has signed (Decree 30/2020).

A Decree 30 document is signed by the competent person before it has a number: the clerk
(văn thư) then issues the number and date and applies the organisation's signature. In the
PDF, the person's certification signature (DocMDP: form filling and signatures only) reserves
read-only text fields where the number and the date go, empty and invisible; the clerk's
revision fills them (a form fill, which that certification allows) and is covered by the
organisation's signature. Also the appearance of a signature that shows only an image (the
person's signature image, no text).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO

from PIL import Image
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStamp, TextStampStyle

from cabinet.pdf import pdf_font_path
from cabinet.signing.fonts import _InMemoryFont

#: Field flags: ReadOnly (a reader's viewer does not let anyone type into it).
_READ_ONLY = 1
#: Annotation flags: Print.
_PRINT = 4


@dataclass(frozen=True)
class TextSlot:
    """A text field reserved for the issuing office: 0-based page, (x1, y1, x2, y2) in points."""

    field_name: str
    page: int
    box: tuple[float, float, float, float]
    font_size: int = 13
    italic: bool = False
    #: "left", "center" or "right" inside the box
    align: str = "left"


def _name(value: str) -> generic.NameObject:
    return generic.NameObject(value)


def _empty_appearance(writer: IncrementalPdfFileWriter, box) -> generic.IndirectObject:
    width, height = box[2] - box[0], box[3] - box[1]
    stream = generic.StreamObject(
        {
            _name("/Type"): _name("/XObject"),
            _name("/Subtype"): _name("/Form"),
            _name("/BBox"): generic.ArrayObject(
                [generic.FloatObject(v) for v in (0, 0, width, height)]
            ),
        },
        stream_data=b"",
    )
    return writer.add_object(stream)


def _append(writer: IncrementalPdfFileWriter, container_owner, key: str, ref) -> None:
    """Append ``ref`` to the array ``owner[key]`` (created if missing), marking what changed."""
    if key not in container_owner:
        container_owner[key] = generic.ArrayObject([ref])
        writer.update_container(container_owner)
        return
    raw = container_owner.raw_get(key)
    array = container_owner[key]
    array.append(ref)
    writer.update_container(array if isinstance(raw, generic.IndirectObject) else container_owner)


def add_text_fields(writer: IncrementalPdfFileWriter, slots: Sequence[TextSlot]) -> None:
    """Add empty, read-only, invisible text fields (and the AcroForm, if the file has none)."""
    if "/AcroForm" not in writer.root:
        writer.root["/AcroForm"] = writer.add_object(
            generic.DictionaryObject({_name("/Fields"): generic.ArrayObject()})
        )
        writer.update_root()
    form = writer.root["/AcroForm"]
    for slot in slots:
        page_ref = writer.find_page_for_modification(slot.page)[0]
        widget = generic.DictionaryObject(
            {
                _name("/Type"): _name("/Annot"),
                _name("/Subtype"): _name("/Widget"),
                _name("/FT"): _name("/Tx"),
                _name("/T"): generic.TextStringObject(slot.field_name),
                _name("/Ff"): generic.NumberObject(_READ_ONLY),
                _name("/F"): generic.NumberObject(_PRINT),
                _name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in slot.box]),
                _name("/P"): page_ref,
                _name("/DA"): generic.TextStringObject("/F1 0 Tf 0 g"),
                _name("/AP"): generic.DictionaryObject(
                    {_name("/N"): _empty_appearance(writer, slot.box)}
                ),
            }
        )
        ref = writer.add_object(widget)
        _append(writer, page_ref.get_object(), "/Annots", ref)
        _append(writer, form, "/Fields", ref)
    writer.update_container(form)


def _text_style(slot: TextSlot) -> TextStampStyle:
    size = int(slot.font_size)  # pyHanko's layout works in integers (Fractions)
    font = _InMemoryFont(
        str(pdf_font_path(400, "italic" if slot.italic else "normal")), font_size=size
    )
    axis = {
        "left": layout.AxisAlignment.ALIGN_MIN,
        "center": layout.AxisAlignment.ALIGN_MID,
        "right": layout.AxisAlignment.ALIGN_MAX,
    }[slot.align]
    return TextStampStyle(
        stamp_text="%(value)s",
        text_box_style=TextBoxStyle(
            font=font,
            font_size=size,
            leading=size,
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=axis, y_align=layout.AxisAlignment.ALIGN_MID, margins=layout.Margins()
            ),
        ),
        border_width=0,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=axis,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )


def text_field_names(writer: IncrementalPdfFileWriter) -> set[str]:
    """The names of the text fields the file has."""
    return set(_text_fields(writer.root))


def _text_fields(root) -> dict[str, generic.DictionaryObject]:
    form = root["/AcroForm"] if "/AcroForm" in root else None  # noqa: SIM401 (get() would not resolve)
    if form is None or "/Fields" not in form:
        return {}
    fields = (ref.get_object() for ref in form["/Fields"])
    return {str(f["/T"]): f for f in fields if "/T" in f and "/FT" in f and f["/FT"] == "/Tx"}


def fill_text_fields(
    writer: IncrementalPdfFileWriter, slots: Sequence[TextSlot], values: Mapping[str, str]
) -> None:
    """Fill text fields with their values and a visible appearance (embedded font); the slots
    a file does not reserve yet are added first (a document nobody signed before)."""
    by_name = {slot.field_name: slot for slot in slots}
    existing = text_field_names(writer)
    add_text_fields(
        writer, [s for s in slots if s.field_name in values and s.field_name not in existing]
    )
    found = set()
    for name, field in _text_fields(writer.root).items():
        if name not in values or name not in by_name:
            continue
        slot = by_name[name]
        x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
        stamp = TextStamp(
            writer,
            _text_style(slot),
            text_params={"value": values[name]},
            box=layout.BoxConstraints(round(x2 - x1), round(y2 - y1)),
        )
        field["/V"] = generic.TextStringObject(values[name])
        field["/AP"] = generic.DictionaryObject(
            {_name("/N"): writer.add_object(stamp.as_form_xobject())}
        )
        writer.update_container(field)
        found.add(name)
    missing = set(values) - found
    if missing:
        raise LookupError(f"no reserved field named {sorted(missing)}")


def field_values(data: bytes) -> dict[str, str]:
    """The values of the filled text fields of a PDF (the number and date an office issued)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(data), strict=False)
    return {name: str(f["/V"]) for name, f in _text_fields(reader.root).items() if "/V" in f}


def image_style(image: bytes) -> TextStampStyle:
    """A signature appearance that is only ``image`` (PNG with transparency), no text."""
    return TextStampStyle(
        stamp_text="",
        background=PdfImage(Image.open(BytesIO(image))),
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(1),
        ),
        border_width=0,
    )


#: Height under the seal for the organisation's name and the ISO 8601 time (points).
SEAL_TEXT_HEIGHT = 16


def seal_style(image: bytes) -> TextStampStyle:
    """The organisation's signature: the seal image at the top of the box (its real size: the
    box is as wide as the seal), its name and the ISO 8601 time in small type under it."""
    return TextStampStyle(
        stamp_text="%(organization)s\n%(iso_time)s",
        text_box_style=TextBoxStyle(
            font=_InMemoryFont(str(pdf_font_path()), font_size=6),
            font_size=6,
            leading=7,
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MID,
                y_align=layout.AxisAlignment.ALIGN_MIN,
                margins=layout.Margins(),
            ),
        ),
        background=PdfImage(Image.open(BytesIO(image))),
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(1),  # no rounding overflow at the box's exact width
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins(),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
        border_width=0,
    )
