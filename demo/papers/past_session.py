"""The papers of last month's session: five submissions and a draft law, in the ministries' words."""

from __future__ import annotations

from demo.papers.forms import draft_law, submission
from demo.papers.pdf import PaperSpec


def law_tax(signer: str) -> PaperSpec:
    """The Ministry of Finance's submission of the personal income tax law."""
    return submission(
        issuer="BỘ TÀI CHÍNH",
        symbol="312/TTr-BTC",
        subject="Về dự án Luật Thuế thu nhập cá nhân (sửa đổi)",
        lead="Bộ Tài chính",
        signer=signer,
        why=[
            "Luật Thuế thu nhập cá nhân được Quốc hội thông qua năm 2007, đã qua nhiều lần sửa "
            "đổi, bổ sung, góp phần quan trọng vào việc động viên nguồn thu cho ngân sách nhà "
            "nước và thực hiện công bằng xã hội. Tuy nhiên, qua gần hai mươi năm thi hành, nhiều "
            "quy định đã bộc lộ hạn chế: mức giảm trừ gia cảnh chưa theo kịp mức sống và giá cả; "
            "biểu thuế lũy tiến từng phần có bảy bậc với khoảng cách giữa các bậc hẹp, chưa "
            "khuyến khích người lao động có thu nhập cao; chưa bao quát đầy đủ các hình thức thu "
            "nhập mới phát sinh từ kinh tế số, thương mại điện tử và tài sản số.",
            "Việc sửa đổi Luật nhằm thể chế hóa chủ trương của Đảng về hoàn thiện hệ thống "
            "chính sách thuế theo hướng mở rộng cơ sở thuế, bảo đảm công bằng, đơn giản, minh "
            "bạch, dễ thực hiện; đồng thời nuôi dưỡng nguồn thu, thu hút nhân lực chất lượng cao "
            "và phù hợp với thông lệ quốc tế.",
        ],
        content=[
            "Dự thảo Luật gồm 4 chương, 33 điều. Về biểu thuế, đề xuất rút gọn từ 7 bậc xuống "
            "5 bậc, với thuế suất từ 5% đến 35%; nới rộng khoảng cách giữa các bậc thu nhập để "
            "giảm nghĩa vụ thuế cho người có thu nhập trung bình.",
            "Về giảm trừ gia cảnh, nâng mức giảm trừ cho người nộp thuế lên 15,5 triệu đồng/"
            "tháng và cho mỗi người phụ thuộc lên 6,2 triệu đồng/tháng; giao Chính phủ điều "
            "chỉnh mức giảm trừ khi chỉ số giá tiêu dùng biến động trên 10% thay cho ngưỡng 20% "
            "hiện hành. Bổ sung khoản giảm trừ đối với chi phí y tế, giáo dục của người nộp "
            "thuế và người phụ thuộc theo mức trần do Chính phủ quy định.",
            "Về thu nhập từ kinh tế số, quy định rõ nghĩa vụ khấu trừ, kê khai thay của các nền "
            "tảng thương mại điện tử, nền tảng số có chức năng thanh toán; áp dụng thuế suất "
            "0,1% trên giá chuyển nhượng đối với thu nhập từ chuyển nhượng tài sản mã hóa qua "
            "các tổ chức cung cấp dịch vụ được cấp phép.",
        ],
        ask="thông qua dự án Luật Thuế thu nhập cá nhân (sửa đổi) để trình Quốc hội tại kỳ họp tới",
    )


def tax_law_text() -> PaperSpec:
    """The text of the draft personal income tax law (chapters and articles)."""
    return draft_law(
        "Luật Thuế thu nhập cá nhân (sửa đổi)",
        [
            (
                "Chương I. NHỮNG QUY ĐỊNH CHUNG",
                [
                    "<b>Điều 1. Phạm vi điều chỉnh.</b> Luật này quy định về người nộp thuế, thu "
                    "nhập chịu thuế, thu nhập được miễn thuế, giảm trừ thuế và căn cứ tính thuế "
                    "thu nhập cá nhân.",
                    "<b>Điều 2. Người nộp thuế.</b> 1. Người nộp thuế thu nhập cá nhân là cá "
                    "nhân cư trú có thu nhập chịu thuế phát sinh trong và ngoài lãnh thổ Việt "
                    "Nam và cá nhân không cư trú có thu nhập chịu thuế phát sinh trong lãnh thổ "
                    "Việt Nam. 2. Cá nhân cư trú là người đáp ứng một trong các điều kiện sau "
                    "đây: a) Có mặt tại Việt Nam từ 183 ngày trở lên tính trong một năm dương "
                    "lịch hoặc trong 12 tháng liên tục kể từ ngày đầu tiên có mặt tại Việt Nam; "
                    "b) Có nơi ở thường xuyên tại Việt Nam theo quy định của pháp luật về cư trú.",
                    "<b>Điều 3. Thu nhập chịu thuế.</b> Thu nhập chịu thuế gồm thu nhập từ kinh "
                    "doanh; thu nhập từ tiền lương, tiền công; thu nhập từ đầu tư vốn; thu nhập "
                    "từ chuyển nhượng vốn, chuyển nhượng bất động sản, chuyển nhượng tài sản mã "
                    "hóa; thu nhập từ trúng thưởng, bản quyền, nhượng quyền thương mại, nhận thừa "
                    "kế và quà tặng theo quy định của Luật này.",
                ],
            ),
            (
                "Chương II. CĂN CỨ TÍNH THUẾ ĐỐI VỚI CÁ NHÂN CƯ TRÚ",
                [
                    "<b>Điều 19. Giảm trừ gia cảnh.</b> 1. Giảm trừ gia cảnh là số tiền được trừ "
                    "vào thu nhập chịu thuế trước khi tính thuế đối với thu nhập từ kinh doanh, "
                    "tiền lương, tiền công của người nộp thuế là cá nhân cư trú. 2. Mức giảm trừ "
                    "gia cảnh đối với người nộp thuế là 15,5 triệu đồng/tháng; đối với mỗi người "
                    "phụ thuộc là 6,2 triệu đồng/tháng. 3. Trường hợp chỉ số giá tiêu dùng biến "
                    "động trên 10% so với thời điểm Luật có hiệu lực thi hành hoặc thời điểm điều "
                    "chỉnh mức giảm trừ gia cảnh gần nhất, Chính phủ trình Ủy ban Thường vụ Quốc "
                    "hội điều chỉnh mức giảm trừ gia cảnh phù hợp với biến động của giá cả.",
                    "<b>Điều 22. Biểu thuế lũy tiến từng phần.</b> Biểu thuế lũy tiến từng phần "
                    "áp dụng đối với thu nhập tính thuế từ kinh doanh, tiền lương, tiền công gồm "
                    "5 bậc: đến 10 triệu đồng/tháng, thuế suất 5%; trên 10 đến 30 triệu đồng, "
                    "10%; trên 30 đến 60 triệu đồng, 20%; trên 60 đến 100 triệu đồng, 30%; trên "
                    "100 triệu đồng, 35%.",
                ],
            ),
            (
                "Chương IV. ĐIỀU KHOẢN THI HÀNH",
                [
                    "<b>Điều 33. Hiệu lực thi hành.</b> Luật này có hiệu lực thi hành từ ngày 01 "
                    "tháng 7 năm 2027. Quy định về giảm trừ gia cảnh tại Điều 19 được áp dụng từ "
                    "kỳ tính thuế năm 2027.",
                ],
            ),
        ],
        "",
    )


def public_investment(signer: str, year: int) -> PaperSpec:
    """The Ministry of Finance's submission of next year's public investment plan."""
    return submission(
        issuer="BỘ TÀI CHÍNH",
        symbol="318/TTr-BTC",
        subject=f"Về dự kiến kế hoạch đầu tư công năm {year + 1}",
        lead="Bộ Tài chính",
        signer=signer,
        why=[
            "Theo quy định của Luật Đầu tư công, Chính phủ trình Quốc hội quyết định kế hoạch "
            "đầu tư công hằng năm, bao gồm tổng mức vốn, cơ cấu nguồn vốn và danh mục các dự án "
            "quan trọng quốc gia. Năm tới là năm thứ hai thực hiện Kế hoạch đầu tư công trung hạn "
            "giai đoạn 2026 - 2030, có ý nghĩa quan trọng trong việc tạo đột phá về kết cấu hạ "
            "tầng chiến lược, đặc biệt là hạ tầng giao thông, năng lượng và hạ tầng số.",
        ],
        content=[
            f"Tổng vốn đầu tư công nguồn ngân sách nhà nước năm {year + 1} dự kiến là 1.020 "
            "nghìn tỷ đồng, trong đó vốn ngân sách trung ương 476 nghìn tỷ đồng, vốn ngân sách "
            "địa phương 544 nghìn tỷ đồng. Nguyên tắc phân bổ: ưu tiên thanh toán nợ đọng xây "
            "dựng cơ bản, vốn đối ứng các dự án ODA, các dự án chuyển tiếp hoàn thành trong năm; "
            "bố trí đủ vốn cho các dự án quan trọng quốc gia, các tuyến cao tốc Bắc - Nam phía "
            "Đông, đường vành đai các đô thị lớn và dự án đường sắt tốc độ cao trên trục Bắc - Nam.",
            "Không bố trí vốn cho dự án chưa đủ thủ tục đầu tư; mức vốn bố trí cho từng dự án "
            "không vượt quá khả năng thực hiện và giải ngân trong năm. Các bộ, cơ quan trung ương "
            "và địa phương phải hoàn thành việc giao chi tiết kế hoạch trước ngày 31 tháng 12 để "
            "triển khai ngay từ những ngày đầu năm.",
        ],
        ask=f"cho ý kiến đối với dự kiến kế hoạch đầu tư công năm {year + 1} để hoàn thiện, "
        "báo cáo Quốc hội",
    )


def digital_law(signer: str) -> PaperSpec:
    """The Ministry of Science and Technology's submission of the digital transformation law."""
    return submission(
        issuer="BỘ KHOA HỌC VÀ CÔNG NGHỆ",
        symbol="145/TTr-BKHCN",
        subject="Về dự án Luật Chuyển đổi số",
        lead="Bộ Khoa học và Công nghệ",
        signer=signer,
        why=[
            "Chuyển đổi số đã trở thành xu thế tất yếu, là động lực chính cho tăng trưởng và "
            "nâng cao năng lực cạnh tranh quốc gia. Các quy định hiện hành về giao dịch điện tử, "
            "công nghệ thông tin, dữ liệu còn phân tán, chưa tạo lập được khung pháp lý thống nhất "
            "cho chính phủ số, kinh tế số và xã hội số; chưa xác định rõ trách nhiệm của người "
            "đứng đầu trong chuyển đổi số và cơ chế chia sẻ dữ liệu giữa các cơ quan nhà nước.",
            "Việc xây dựng Luật Chuyển đổi số nhằm thể chế hóa Nghị quyết số 57-NQ/TW của Bộ Chính "
            "trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc "
            "gia, tạo hành lang pháp lý đồng bộ, thuận lợi cho các hoạt động chuyển đổi số.",
        ],
        content=[
            "Dự thảo Luật gồm 7 chương, 58 điều, quy định về hạ tầng số, nền tảng số quốc gia, "
            "chính phủ số, kinh tế số, xã hội số, bảo đảm an toàn, an ninh mạng trong chuyển đổi "
            "số và trách nhiệm của cơ quan, tổ chức, cá nhân.",
            "Điểm mới cơ bản: (1) nguyên tắc “dữ liệu chỉ cung cấp một lần”, cơ quan nhà nước "
            "không được yêu cầu người dân, doanh nghiệp cung cấp lại thông tin đã có trong cơ sở "
            "dữ liệu; (2) cơ chế thử nghiệm có kiểm soát đối với sản phẩm, dịch vụ số mới; (3) "
            "bắt buộc đánh giá mức độ chuyển đổi số của cơ quan nhà nước hằng năm và gắn với "
            "trách nhiệm người đứng đầu; (4) ưu đãi đối với doanh nghiệp công nghệ số trong nước "
            "tham gia các nhiệm vụ chuyển đổi số quốc gia.",
        ],
        ask="thông qua dự án Luật Chuyển đổi số để trình Quốc hội",
    )


def awards(signer: str, year: int) -> PaperSpec:
    """The Ministry of Culture's submission of the Hồ Chí Minh and State prizes (restricted item)."""
    return submission(
        issuer="BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
        symbol="87/TTr-BVHTTDL",
        subject=f"Về việc đề nghị xét tặng Giải thưởng Hồ Chí Minh, Giải thưởng Nhà nước về "
        f"văn học, nghệ thuật năm {year}",
        lead="Bộ Văn hóa, Thể thao và Du lịch",
        signer=signer,
        why=[
            "Thực hiện Luật Thi đua, khen thưởng và Nghị định quy định chi tiết về Giải thưởng "
            "Hồ Chí Minh, Giải thưởng Nhà nước về văn học, nghệ thuật, Hội đồng cấp Nhà nước đã "
            "tổ chức xét chọn qua ba cấp Hội đồng bảo đảm công khai, dân chủ, đúng quy trình.",
        ],
        content=[
            "Hội đồng cấp Nhà nước đã bỏ phiếu kín và đề nghị xét tặng Giải thưởng Hồ Chí Minh "
            "cho 12 tác giả với 41 tác phẩm, cụm tác phẩm; Giải thưởng Nhà nước cho 68 tác giả "
            "với 176 tác phẩm, cụm tác phẩm thuộc các chuyên ngành âm nhạc, mỹ thuật, nhiếp ảnh, "
            "sân khấu, điện ảnh, kiến trúc, múa, văn học, văn nghệ dân gian. Các tác giả đều đạt "
            "tỷ lệ phiếu đồng ý từ 90% trở lên ở Hội đồng cấp Nhà nước.",
            "Danh sách chi tiết các tác giả, tác phẩm và kết quả bỏ phiếu của từng cấp Hội đồng "
            "được gửi kèm Tờ trình này.",
        ],
        ask="để trình Chủ tịch nước quyết định tặng Giải thưởng Hồ Chí Minh, Giải thưởng Nhà "
        "nước về văn học, nghệ thuật",
    )
