"""The papers of next week's session."""

from __future__ import annotations

from demo.papers.forms import submission
from demo.papers.pdf import PaperSpec
from demo.papers.reports import risk_annex


def housing_law(signer: str) -> PaperSpec:
    """The Ministry of Construction's submission of the housing law."""
    return submission(
        issuer="BỘ XÂY DỰNG",
        symbol="201/TTr-BXD",
        subject="Về dự án Luật Nhà ở (sửa đổi)",
        lead="Bộ Xây dựng",
        signer=signer,
        why=[
            "Thị trường nhà ở thời gian qua còn mất cân đối cung - cầu, giá nhà ở tại các đô thị "
            "lớn tăng cao, vượt xa khả năng chi trả của người có thu nhập trung bình và thấp. "
            "Nhiều quy định về nhà ở xã hội, cải tạo chung cư cũ còn vướng mắc, chưa huy động "
            "được nguồn lực xã hội.",
        ],
        content=[
            "Dự thảo Luật bổ sung cơ chế Nhà nước trực tiếp đầu tư nhà ở xã hội cho thuê; cho "
            "phép chủ đầu tư dự án nhà ở xã hội được dành 20% diện tích đất để kinh doanh thương "
            "mại; rút ngắn thủ tục xét duyệt đối tượng mua nhà ở xã hội qua dữ liệu dân cư.",
            "Về cải tạo chung cư cũ, quy định ngưỡng đồng thuận 75% số chủ sở hữu để thực hiện "
            "dự án; Ủy ban nhân dân cấp tỉnh được cưỡng chế di dời khi chung cư nguy hiểm.",
        ],
        ask="thông qua dự án Luật Nhà ở (sửa đổi) để trình Quốc hội",
    )


def plan_resolution(signer: str, year: int) -> PaperSpec:
    """The Ministry of Finance's submission of the government's Resolution 01 for next year."""
    return submission(
        issuer="BỘ TÀI CHÍNH",
        symbol="352/TTr-BTC",
        subject=f"Về dự thảo Nghị quyết về nhiệm vụ, giải pháp chủ yếu thực hiện Kế hoạch phát "
        f"triển kinh tế - xã hội và dự toán ngân sách nhà nước năm {year + 1}",
        lead="Bộ Tài chính",
        signer=signer,
        why=[
            "Nghị quyết số 01 hằng năm của Chính phủ là văn bản chỉ đạo, điều hành xuyên suốt, "
            "cụ thể hóa các nghị quyết của Quốc hội về kế hoạch phát triển kinh tế - xã hội và "
            "dự toán ngân sách nhà nước, giao nhiệm vụ cụ thể cho từng bộ, ngành, địa phương.",
        ],
        content=[
            "Dự thảo Nghị quyết xác định mục tiêu tăng trưởng GDP khoảng 8%, lạm phát khoảng "
            "4,5%, tỷ lệ giải ngân vốn đầu tư công đạt trên 95%; đề ra 11 nhóm nhiệm vụ, giải "
            "pháp chủ yếu và phụ lục giao 218 nhiệm vụ cụ thể cho các bộ, cơ quan, địa phương "
            "kèm thời hạn hoàn thành.",
        ],
        ask=f"ban hành Nghị quyết trước ngày 01 tháng 01 năm {year + 1}",
    )


def monetary_plan(signer: str, year: int) -> PaperSpec:
    """The State Bank's restricted submission on next year's monetary policy."""
    spec = risk_annex(11, year, signer)
    return PaperSpec(
        issuer="NGÂN HÀNG NHÀ NƯỚC VIỆT NAM",
        symbol="17/TTr-NHNN-M",
        doc_type="TỜ TRÌNH",
        subject=f"Về định hướng điều hành chính sách tiền tệ năm {year + 1}",
        signer_title="THỐNG ĐỐC",
        signer_name=signer,
        classified=True,
        addressee="Thủ tướng Chính phủ",
        sections=spec.sections,
        recipients=spec.recipients,
    )


def science_report(signer: str) -> PaperSpec:
    """The Ministry of Science and Technology's report on Resolution 57."""
    return PaperSpec(
        issuer="BỘ KHOA HỌC VÀ CÔNG NGHỆ",
        symbol="152/BC-BKHCN",
        doc_type="BÁO CÁO",
        subject="Tình hình thực hiện Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, "
        "công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        signer_name=signer,
        sections=[
            (
                "I. KẾT QUẢ ĐẠT ĐƯỢC",
                [
                    "Sau gần hai năm thực hiện, thể chế về khoa học, công nghệ và chuyển đổi số "
                    "được hoàn thiện nhanh: 9 luật, 47 nghị định đã được ban hành hoặc sửa đổi; cơ "
                    "chế khoán chi đến sản phẩm cuối cùng được áp dụng; 100% thủ tục hành chính đủ "
                    "điều kiện được cung cấp trực tuyến toàn trình.",
                    "Hạ tầng số phát triển mạnh: mạng 5G phủ sóng 92% dân số; Trung tâm dữ liệu "
                    "quốc gia đi vào vận hành; chi cho nghiên cứu và phát triển đạt 1,1% GDP.",
                ],
            ),
            (
                "II. HẠN CHẾ VÀ NHIỆM VỤ THỜI GIAN TỚI",
                [
                    "Việc kết nối, chia sẻ dữ liệu giữa các bộ, ngành còn chậm; nguồn nhân lực "
                    "công nghệ số chất lượng cao còn thiếu. Thời gian tới tập trung hoàn thành "
                    "các cơ sở dữ liệu quốc gia, phát triển công nghiệp bán dẫn và trí tuệ nhân "
                    "tạo, thu hút chuyên gia người Việt Nam ở nước ngoài./.",
                ],
            ),
        ],
    )
