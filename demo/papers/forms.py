"""The usual parts of a ministry's submission (tờ trình) and of a draft law, written once."""

from __future__ import annotations

from demo.papers.pdf import PaperSpec


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
