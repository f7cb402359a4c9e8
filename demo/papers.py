"""Papers of the demo cabinet: submissions, reports and drafts as real multi-page PDFs.

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
    from reportlab.lib.fonts import addMapping

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


def vn_date(day: date) -> str:
    """'Hà Nội, ngày 28 tháng 10 năm 2026' (Decree 30: day and month below 10 padded)."""
    dd = f"{day.day:02d}" if day.day < 10 else str(day.day)
    mm_ = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"Hà Nội, ngày {dd} tháng {mm_} năm {day.year}"


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
        Paragraph(f"<i>{vn_date(issued)}</i>", st["small"]),
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


# ---- the text -----------------------------------------------------------------------------------
# Common sections, written once and adapted to each paper's subject.


def drafting_process(subject: str, lead: str) -> tuple[str, list[str]]:
    """'Quá trình xây dựng': consultation, appraisal and how the comments were taken in."""
    return (
        "III. QUÁ TRÌNH XÂY DỰNG",
        [
            f"Thực hiện Chương trình công tác của Chính phủ, {lead} đã chủ trì, phối hợp với các "
            "bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ, Ủy ban nhân dân các tỉnh, thành phố "
            "trực thuộc trung ương thành lập Ban soạn thảo và Tổ biên tập, tổ chức tổng kết thực "
            "tiễn thi hành, nghiên cứu kinh nghiệm quốc tế và xây dựng dự thảo "
            f"{subject}.",
            "Dự thảo đã được đăng tải trên Cổng Thông tin điện tử của Chính phủ và của cơ quan "
            "chủ trì soạn thảo trong thời hạn 60 ngày để lấy ý kiến rộng rãi của cơ quan, tổ "
            "chức, cá nhân; được gửi lấy ý kiến Liên đoàn Thương mại và Công nghiệp Việt Nam, "
            "các hiệp hội doanh nghiệp và tổ chức chịu tác động trực tiếp. Cơ quan soạn thảo đã "
            "tổ chức các hội thảo tại Hà Nội, Đà Nẵng và Thành phố Hồ Chí Minh với sự tham gia "
            "của các chuyên gia, nhà khoa học và đại diện cộng đồng doanh nghiệp.",
            "Bộ Tư pháp đã tổ chức thẩm định và có Báo cáo thẩm định. Cơ quan chủ trì soạn thảo "
            "đã nghiên cứu, tiếp thu, giải trình đầy đủ các ý kiến thẩm định và hoàn thiện hồ sơ "
            "theo quy định của Luật Ban hành văn bản quy phạm pháp luật. Các ý kiến còn khác "
            "nhau đã được tổng hợp, báo cáo tại Mục V của Tờ trình này để Chính phủ xem xét, "
            "quyết định.",
        ],
    )


def implementation(subject: str, lead: str) -> tuple[str, list[str]]:
    """'Tổ chức thực hiện': guidance, resources, reporting."""
    return (
        "IV. TỔ CHỨC THỰC HIỆN VÀ BẢO ĐẢM NGUỒN LỰC",
        [
            f"Sau khi {subject} được thông qua, {lead} sẽ chủ trì xây dựng, trình ban hành các "
            "văn bản quy định chi tiết bảo đảm có hiệu lực cùng thời điểm; tổ chức phổ biến, "
            "tập huấn cho đội ngũ cán bộ, công chức trực tiếp thực hiện ở trung ương và địa "
            "phương; rà soát, sửa đổi các thủ tục hành chính có liên quan theo hướng cắt giảm "
            "tối thiểu 30% thời gian giải quyết và chi phí tuân thủ.",
            "Kinh phí bảo đảm cho việc triển khai thực hiện được bố trí trong dự toán chi thường "
            "xuyên của các bộ, cơ quan và địa phương theo phân cấp ngân sách hiện hành, không "
            "làm phát sinh thêm biên chế. Việc ứng dụng công nghệ thông tin, kết nối với Cơ sở "
            "dữ liệu quốc gia về dân cư và các cơ sở dữ liệu chuyên ngành được thực hiện đồng "
            "bộ để người dân, doanh nghiệp thực hiện thủ tục trực tuyến toàn trình.",
            "Định kỳ hằng năm, các bộ, cơ quan, địa phương báo cáo tình hình thực hiện; cơ quan "
            "chủ trì tổng hợp, báo cáo Chính phủ, Thủ tướng Chính phủ, kịp thời đề xuất tháo "
            "gỡ các khó khăn, vướng mắc phát sinh trong quá trình tổ chức thi hành.",
        ],
    )


def proposal(subject: str, ask: str) -> tuple[str, list[str]]:
    """'Kiến nghị': what the ministry asks the cabinet to decide."""
    return (
        "V. NHỮNG VẤN ĐỀ XIN Ý KIẾN VÀ KIẾN NGHỊ",
        [
            f"Trên đây là nội dung chính của {subject}. Đối với các vấn đề còn có ý kiến khác "
            "nhau, cơ quan chủ trì đã báo cáo đầy đủ phương án đề xuất và lý do lựa chọn trong "
            "Bản tổng hợp, giải trình, tiếp thu ý kiến gửi kèm theo Tờ trình này.",
            f"Kính trình Chính phủ xem xét, {ask}./.",
        ],
    )


def submission(
    *,
    issuer: str,
    symbol: str,
    subject: str,
    lead: str,
    why: list[str],
    content: list[str],
    ask: str,
    signer: str,
    classified: bool = False,
    doc_type: str = "TỜ TRÌNH",
) -> PaperSpec:
    """A ministry's submission (tờ trình) in the usual five parts."""
    plain = subject.removeprefix("Về ").removeprefix("về ")
    return PaperSpec(
        issuer=issuer,
        symbol=symbol,
        doc_type=doc_type,
        subject=subject,
        signer_name=signer,
        classified=classified,
        sections=[
            ("I. SỰ CẦN THIẾT", why),
            ("II. NỘI DUNG CHỦ YẾU", content),
            drafting_process(plain, lead),
            implementation(plain, lead),
            proposal(plain, ask),
        ],
    )


ECONOMY_TABLE_HEAD = ["Chỉ tiêu", "Tháng {m}", "{m} tháng", "So cùng kỳ"]


def economy_report(month: int, year: int, signer: str) -> PaperSpec:
    """The monthly socio-economic report of the Ministry of Finance, with its indicator table."""
    m = str(month)
    head = [h.format(m=m) for h in ECONOMY_TABLE_HEAD]
    rows = [
        head,
        ["Chỉ số giá tiêu dùng (CPI) bình quân", "+0,21%", "+3,27%", "mục tiêu ≤ 4,5%"],
        ["Chỉ số sản xuất công nghiệp (IIP)", "+1,8%", "+9,1%", "+2,3 điểm %"],
        ["Tổng mức bán lẻ hàng hóa, dịch vụ (nghìn tỷ đồng)", "612,4", "5.918,7", "+9,6%"],
        ["Kim ngạch xuất khẩu (tỷ USD)", "42,6", "395,2", "+15,1%"],
        ["Vốn FDI thực hiện (tỷ USD)", "2,3", "21,4", "+8,9%"],
        ["Giải ngân vốn đầu tư công (% kế hoạch)", "—", "67,8%", "+6,1 điểm %"],
        ["Thu ngân sách nhà nước (% dự toán)", "—", "94,3%", "+13,2%"],
        ["Khách quốc tế đến Việt Nam (triệu lượt)", "1,93", "18,1", "+21,5%"],
    ]
    return PaperSpec(
        issuer="BỘ TÀI CHÍNH",
        symbol=f"{180 + month}/BC-BTC",
        doc_type="BÁO CÁO",
        subject=f"Tình hình kinh tế - xã hội tháng {m} và {m} tháng năm {year}; "
        "nhiệm vụ, giải pháp trọng tâm thời gian tới",
        signer_name=signer,
        table=rows,
        sections=[
            (
                "I. TÌNH HÌNH KINH TẾ - XÃ HỘI",
                [
                    f"Trong tháng {m}, tình hình thế giới tiếp tục diễn biến phức tạp; cạnh tranh "
                    "chiến lược giữa các nước lớn, chính sách thương mại của một số đối tác và "
                    "thiên tai, bão lũ ở trong nước tác động nhiều mặt đến sản xuất, kinh doanh "
                    "và đời sống nhân dân. Dưới sự lãnh đạo của Đảng, sự chỉ đạo quyết liệt của "
                    "Chính phủ, Thủ tướng Chính phủ, các bộ, ngành, địa phương đã triển khai đồng "
                    "bộ các nhiệm vụ, giải pháp; kinh tế vĩ mô cơ bản ổn định, lạm phát được kiểm "
                    "soát, các cân đối lớn được bảo đảm.",
                    "Các chỉ tiêu chủ yếu được tổng hợp tại bảng dưới đây (số liệu ước tính, sẽ "
                    "được cập nhật theo công bố chính thức của Cục Thống kê).",
                ],
            ),
            (
                "1. Về kinh tế vĩ mô",
                [
                    "Mặt bằng lãi suất cho vay tiếp tục giảm, tín dụng đối với nền kinh tế tăng "
                    "13,2% so với cuối năm trước, tập trung vào các lĩnh vực sản xuất, kinh doanh "
                    "và các động lực tăng trưởng. Thị trường ngoại tệ ổn định, tỷ giá biến động "
                    "trong biên độ phù hợp. Thu ngân sách nhà nước đạt khá, bảo đảm chi thường "
                    "xuyên, chi trả nợ và các nhiệm vụ cấp bách về khắc phục hậu quả thiên tai.",
                    "Sản xuất công nghiệp phục hồi tích cực, đặc biệt là công nghiệp chế biến, "
                    "chế tạo; xuất khẩu tăng trưởng ở mức hai con số, cán cân thương mại thặng "
                    "dư ước khoảng 19,8 tỷ USD. Khu vực dịch vụ, du lịch tăng trưởng mạnh, lượng "
                    "khách quốc tế vượt mức trước đại dịch.",
                ],
            ),
            (
                "2. Về văn hóa, xã hội",
                [
                    "Công tác an sinh xã hội được quan tâm; đã xuất cấp hơn 12.000 tấn gạo dự "
                    "trữ quốc gia hỗ trợ người dân các tỉnh bị ảnh hưởng bởi bão, lũ. Chương "
                    "trình xóa nhà tạm, nhà dột nát cơ bản hoàn thành trước thời hạn. Năm học mới "
                    "được khai giảng an toàn; công tác y tế dự phòng, phòng chống dịch bệnh sau "
                    "mưa lũ được triển khai kịp thời.",
                ],
            ),
            (
                "II. TỒN TẠI, HẠN CHẾ",
                [
                    "Giải ngân vốn đầu tư công tuy cải thiện nhưng chưa đạt yêu cầu; một số dự "
                    "án quan trọng quốc gia còn vướng mắc về giải phóng mặt bằng và nguồn vật "
                    "liệu. Sức mua trong nước phục hồi chậm ở một số nhóm hàng; một bộ phận "
                    "doanh nghiệp nhỏ và vừa còn khó khăn về đơn hàng và tiếp cận vốn. Thiệt hại "
                    "do thiên tai lớn, ảnh hưởng đến sản xuất nông nghiệp ở khu vực miền Trung.",
                ],
            ),
            (
                "III. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM THỜI GIAN TỚI",
                [
                    "Một là, tiếp tục ưu tiên thúc đẩy tăng trưởng gắn với giữ vững ổn định kinh "
                    "tế vĩ mô, kiểm soát lạm phát; điều hành chính sách tiền tệ chủ động, linh "
                    "hoạt, phối hợp chặt chẽ với chính sách tài khóa mở rộng có trọng tâm, trọng "
                    "điểm.",
                    "Hai là, quyết liệt đẩy mạnh giải ngân vốn đầu tư công, phấn đấu giải ngân "
                    "100% kế hoạch được giao; tháo gỡ dứt điểm vướng mắc của các dự án trọng "
                    "điểm, xử lý các dự án tồn đọng, kéo dài.",
                    "Ba là, khẩn trương khắc phục hậu quả thiên tai, khôi phục sản xuất, ổn định "
                    "đời sống nhân dân; bảo đảm cung ứng hàng hóa thiết yếu, không để người dân "
                    "thiếu đói, không có nhà ở.",
                    "Bốn là, hoàn thiện thể chế, tập trung xây dựng các dự án luật trình Quốc "
                    "hội tại kỳ họp tới; cắt giảm, đơn giản hóa thủ tục hành chính, điều kiện "
                    "kinh doanh; thúc đẩy chuyển đổi số quốc gia.",
                ],
            ),
        ],
        recipients=[
            "Thủ tướng, các Phó Thủ tướng Chính phủ;",
            "Các Thành viên Chính phủ;",
            "Văn phòng Chính phủ;",
            "Lưu: VT, TH.",
        ],
    )


def risk_annex(month: int, year: int, signer: str) -> PaperSpec:
    """A restricted annex: financial and monetary risks (named readers only)."""
    return PaperSpec(
        issuer="BỘ TÀI CHÍNH",
        symbol=f"{25 + month}/BC-BTC-M",
        doc_type="PHỤ LỤC",
        subject=f"Đánh giá rủi ro an ninh tài chính - tiền tệ quý IV năm {year}",
        signer_name=signer,
        classified=True,
        addressee="Thủ tướng Chính phủ",
        sections=[
            (
                "I. NHẬN ĐỊNH CHUNG",
                [
                    "Phụ lục này tổng hợp đánh giá phối hợp giữa Bộ Tài chính và Ngân hàng Nhà "
                    "nước Việt Nam về các rủi ro có thể tác động đến an ninh tài chính - tiền tệ "
                    "quốc gia trong quý IV và dự báo cho năm tiếp theo. Tài liệu thuộc danh mục "
                    "bí mật nhà nước độ Mật; chỉ những người có tên trong danh sách được đọc.",
                    "Nhìn chung, các chỉ số an toàn hệ thống vẫn trong ngưỡng kiểm soát; tuy "
                    "nhiên một số rủi ro cần theo dõi sát: biến động tỷ giá do chính sách lãi "
                    "suất của các ngân hàng trung ương lớn, áp lực đáo hạn trái phiếu doanh "
                    "nghiệp khu vực bất động sản và chất lượng tín dụng ở một số tổ chức tín dụng "
                    "quy mô nhỏ.",
                ],
            ),
            (
                "II. CÁC KỊCH BẢN VÀ PHƯƠNG ÁN ỨNG PHÓ",
                [
                    "Kịch bản cơ sở: tỷ giá biến động không quá 3% trong năm, lạm phát bình quân "
                    "khoảng 3,5%; áp dụng các công cụ điều hành thông thường. Kịch bản bất lợi: "
                    "dòng vốn rút ra mạnh, tỷ giá tăng trên 5%; khi đó phối hợp sử dụng dự trữ "
                    "ngoại hối, nghiệp vụ thị trường mở và điều chỉnh tiến độ phát hành trái "
                    "phiếu Chính phủ.",
                    "Đối với trái phiếu doanh nghiệp, đề xuất tiếp tục cho phép gia hạn, hoán "
                    "đổi có điều kiện; tăng cường thanh tra việc phát hành riêng lẻ và xử lý "
                    "nghiêm các vi phạm về công bố thông tin.",
                ],
            ),
            (
                "III. KIẾN NGHỊ",
                [
                    "Đề nghị Thủ tướng Chính phủ giao Bộ Tài chính chủ trì, phối hợp với Ngân "
                    "hàng Nhà nước Việt Nam hằng tháng báo cáo đánh giá rủi ro theo mẫu thống "
                    "nhất; thành lập Tổ công tác liên ngành giám sát an ninh tài chính - tiền tệ "
                    "do một Phó Thủ tướng làm Tổ trưởng./.",
                ],
            ),
        ],
        recipients=["Thủ tướng Chính phủ;", "Thống đốc NHNN Việt Nam;", "Lưu: VT, BM."],
    )


def draft_law(title: str, chapters: list[tuple[str, list[str]]], signer: str) -> PaperSpec:
    """The text of a draft law (chapters and articles)."""
    return PaperSpec(
        issuer="QUỐC HỘI",
        symbol="    /2027/QH16",
        doc_type="DỰ THẢO LUẬT",
        subject=title,
        addressee="",
        signer_title="CHỦ TỊCH QUỐC HỘI",
        signer_name=signer,
        sections=[
            (
                "",
                [
                    "<i>Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;</i>",
                    f"<i>Quốc hội ban hành {title}.</i>",
                ],
            ),
            *chapters,
        ],
        recipients=["Dự thảo trình Chính phủ;", "Lưu: Ban soạn thảo."],
    )
