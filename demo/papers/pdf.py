"""Papers of the demo cabinet as real multi-page PDFs: the layout of a Decree 30 document.

Rendered with reportlab in the records' serif (Liberation Serif, full Vietnamese) in the layout
of Decree 30/2020: issuing body and national motto, number, place and date, the document type,
the body in numbered sections, the signer and the recipients. The text is invented but written
the way such papers are, so that the reader, the search and the watermark have something real
to work on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from cabinet.dates import place_and_date
from cabinet.pdf import pdf_font_path

FONT = "DemoSerif"


@dataclass(frozen=True)
class PaperSpec:
    """One demo paper: who issues it, what it is, and its sections of text."""

    issuer: str  # "BỘ TÀI CHÍNH"
    symbol: str  # "215/TTr-BTC"
    doc_type: str  # "TỜ TRÌNH", "BÁO CÁO", "DỰ THẢO LUẬT"
    subject: str  # "Về dự án Luật Thuế thu nhập cá nhân (sửa đổi)"
    sections: list[tuple[str, list[str]]]
    signer_title: str = "BỘ TRƯỞNG"
    signer_name: str = ""
    addressee: str = "Chính phủ"
    classified: bool = False
    table: list[list[str]] | None = None  # shown after the first section
    recipients: list[str] = field(
        default_factory=lambda: ["Như trên;", "Văn phòng Chính phủ;", "Lưu: VT."]
    )

    @property
    def title(self) -> str:
        """The paper's name in lists: 'Tờ trình về dự án Luật ...', 'Dự thảo Luật ...'."""
        if self.doc_type == "DỰ THẢO LUẬT":
            return f"Dự thảo {self.subject}"
        return f"{self.doc_type.capitalize()} {self.subject[:1].lower()}{self.subject[1:]}"


@lru_cache(maxsize=1)
def _register_fonts() -> str:
    for suffix, weight, style in (
        ("", 400, "normal"),
        ("-Bold", 700, "normal"),
        ("-Italic", 400, "italic"),
        ("-BoldItalic", 700, "italic"),
    ):
        pdfmetrics.registerFont(TTFont(FONT + suffix, str(pdf_font_path(weight, style))))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT + "-Bold")
    addMapping(FONT, 0, 1, FONT + "-Italic")
    addMapping(FONT, 1, 1, FONT + "-BoldItalic")
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=13, leading=18, alignment=TA_JUSTIFY)
    return {
        "body": ParagraphStyle("p", parent=base, firstLineIndent=10 * mm, spaceafter=6),
        "center": ParagraphStyle("c", parent=base, alignment=TA_CENTER, spaceAfter=0),
        "small": ParagraphStyle("s", parent=base, fontSize=11, leading=14, alignment=TA_CENTER),
        "heading": ParagraphStyle("h", parent=base, fontName=FONT + "-Bold", spaceBefore=6),
        "title": ParagraphStyle(
            "t", parent=base, fontName=FONT + "-Bold", fontSize=14, alignment=TA_CENTER
        ),
        "cell": ParagraphStyle("td", parent=base, fontSize=11, leading=14, alignment=0),
        "note": ParagraphStyle("n", parent=base, fontSize=11, leading=14, alignment=0),
    }


def _page_footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 10)
    canvas.drawCentredString(A4[0] / 2, 12 * mm, str(doc.page))
    canvas.restoreState()


def render_paper(spec: PaperSpec, issued: date) -> bytes:
    """The paper as a PDF (A4, several pages, fonts embedded)."""
    _register_fonts()
    st = _styles()
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=30 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"{spec.doc_type.capitalize()} {spec.subject}",
        author=spec.issuer.title(),
        subject=spec.subject,
        creator="e-Cabinet (dữ liệu trình diễn)",
    )
    left = [Paragraph(f"<b>{spec.issuer}</b>", st["small"]), Paragraph("―――――", st["small"])]
    left.append(Paragraph(f"Số: {spec.symbol}", st["small"]))
    if spec.classified:
        left.append(Spacer(1, 3 * mm))
        left.append(
            Table(
                [[Paragraph("<b>MẬT</b>", st["small"])]],
                colWidths=[22 * mm],
                style=TableStyle([("BOX", (0, 0), (-1, -1), 1.2, colors.black)]),
            )
        )
    right = [
        Paragraph("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", st["small"]),
        Paragraph("<b>Độc lập - Tự do - Hạnh phúc</b>", st["small"]),
        Paragraph("―――――――――――", st["small"]),
        Paragraph(f"<i>{place_and_date('Hà Nội', issued)}</i>", st["small"]),
    ]
    header = Table([[left, right]], colWidths=[62 * mm, 98 * mm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list = [header, Spacer(1, 8 * mm)]
    story.append(Paragraph(spec.doc_type, st["title"]))
    story.append(Paragraph(f"<b>{spec.subject}</b>", st["center"]))
    story.append(Paragraph("―――――", st["center"]))
    if spec.addressee:
        story.append(Spacer(1, 3 * mm))
        story.append(Paragraph(f"Kính gửi: {spec.addressee}.", st["center"]))
    story.append(Spacer(1, 5 * mm))
    for index, (heading, paragraphs) in enumerate(spec.sections):
        if heading:
            story.append(Paragraph(heading, st["heading"]))
        story.extend(Paragraph(text, st["body"]) for text in paragraphs)
        if index == 0 and spec.table:
            story.append(_table(spec.table, st))
    recipients = [Paragraph("<b><i>Nơi nhận:</i></b>", st["note"])]
    recipients += [Paragraph(f"- {r}", st["note"]) for r in spec.recipients]
    signer = [
        Paragraph(f"<b>{spec.signer_title}</b>", st["center"]),
        Spacer(1, 22 * mm),
        Paragraph(f"<b>{spec.signer_name}</b>", st["center"]),
    ]
    closing = Table([[recipients, signer]], colWidths=[80 * mm, 80 * mm])
    closing.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [Spacer(1, 6 * mm), KeepTogether(closing)]
    doc.build(story, onFirstPage=_page_footer, onLaterPages=_page_footer)
    return out.getvalue()


def _table(rows: list[list[str]], st: dict[str, ParagraphStyle]) -> Table:
    data = [[Paragraph(cell, st["cell"]) for cell in row] for row in rows]
    widths = [70 * mm] + [(90 * mm) / (len(rows[0]) - 1)] * (len(rows[0]) - 1)
    table = Table(data, colWidths=widths, repeatRows=1, spaceBefore=4, spaceAfter=8)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table
