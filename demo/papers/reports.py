"""The monthly socio-economic report and its restricted annex on financial risks."""

from __future__ import annotations

from demo.papers.pdf import PaperSpec

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
