"""The papers sent with the two opinion ballots."""

from __future__ import annotations

from demo.papers.forms import submission
from demo.papers.pdf import PaperSpec


def vat_decree(signer: str) -> PaperSpec:
    """The Ministry of Finance's submission of the VAT reduction decree (the concluded ballot)."""
    return submission(
        issuer="BỘ TÀI CHÍNH",
        symbol="330/TTr-BTC",
        subject="Về dự thảo Nghị định quy định chính sách giảm thuế giá trị gia tăng",
        lead="Bộ Tài chính",
        signer=signer,
        why=[
            "Chính sách giảm thuế giá trị gia tăng đã được áp dụng từ năm 2022 và được đánh giá "
            "là giải pháp hiệu quả, góp phần giảm chi phí sản xuất, kinh doanh, kích thích tiêu "
            "dùng và thúc đẩy tăng trưởng. Trong bối cảnh sức mua trong nước phục hồi chậm và "
            "nhiều địa phương chịu thiệt hại nặng nề do thiên tai, việc tiếp tục giảm thuế là "
            "cần thiết và cấp bách.",
        ],
        content=[
            "Giảm 2% thuế suất thuế giá trị gia tăng, áp dụng đối với các nhóm hàng hóa, dịch vụ "
            "đang áp dụng mức thuế suất 10%, trừ các nhóm hàng hóa, dịch vụ nêu tại Phụ lục I, II "
            "và III kèm theo dự thảo Nghị định. Thời gian áp dụng từ ngày 01 tháng 01 đến hết "
            "ngày 30 tháng 6 năm sau.",
            "Dự kiến số thuế giá trị gia tăng giảm khoảng 39,5 nghìn tỷ đồng trong 6 tháng. Bộ "
            "Tài chính đã tính toán tác động đến dự toán thu ngân sách và bảo đảm các cân đối lớn.",
        ],
        ask="ban hành Nghị định theo trình tự, thủ tục rút gọn",
    )


def relief_decision(signer: str) -> PaperSpec:
    """The Ministry of Finance's submission of flood relief (the open ballot)."""
    return submission(
        issuer="BỘ TÀI CHÍNH",
        symbol="341/TTr-BTC",
        subject="Về việc hỗ trợ kinh phí khắc phục hậu quả mưa lũ tại các tỉnh miền Trung",
        lead="Bộ Tài chính",
        signer=signer,
        why=[
            "Theo báo cáo của Ban Chỉ đạo quốc gia về phòng thủ dân sự, đợt mưa lũ từ cuối tháng "
            "10 đã làm hư hỏng hơn 9.000 ngôi nhà, 312 trường học, 87 trạm y tế và nhiều tuyến "
            "giao thông; ước thiệt hại trên 11.000 tỷ đồng. Các địa phương đã chủ động sử dụng "
            "ngân sách địa phương nhưng không đủ nguồn lực để khắc phục.",
        ],
        content=[
            "Đề xuất hỗ trợ 2.500 tỷ đồng từ nguồn dự phòng ngân sách trung ương năm nay cho 6 "
            "tỉnh, phân bổ theo tiêu chí mức độ thiệt hại, tỷ lệ tự cân đối ngân sách và số hộ "
            "bị ảnh hưởng. Ủy ban nhân dân các tỉnh chịu trách nhiệm sử dụng kinh phí đúng mục "
            "đích, công khai, minh bạch, không để thất thoát, lãng phí.",
        ],
        ask="quyết định hỗ trợ khẩn cấp theo đề xuất",
    )
