"""The records: last month's minutes drafted, circulated and corrected; then the minutes, the
resolution and the concluded ballot's decision issued and signed (secretary first, then the
chair) at the real time, with the demo keystores the signing hook issued.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from flask import g

from cabinet.db import clock, db
from demo.clock import at
from demo.people import People
from records import services as records
from records.signing import sign_record

log = logging.getLogger(__name__)

SIGNING_LABEL = "Mật khẩu ký số"


# ---- minutes --------------------------------------------------------------------------------------

OPENING = (
    "Thủ tướng Chính phủ {chair} chủ trì Phiên họp. Văn phòng Chính phủ báo cáo số Thành viên "
    "Chính phủ có mặt đủ điều kiện tiến hành phiên họp theo Quy chế làm việc của Chính phủ. "
    "Tham dự phiên họp có đại diện lãnh đạo Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam; các "
    "Thành viên Chính phủ ở xa tham dự trực tuyến."
)
CLOSING = (
    "Phiên họp kết thúc lúc {end}. Biên bản đã được gửi các Thành viên Chính phủ dự họp góp ý "
    "và được Văn phòng Chính phủ tiếp thu trước khi hoàn thiện."
)
SUMMARIES = [
    [
        "Thống nhất đánh giá kinh tế vĩ mô ổn định; đề nghị tiếp tục điều hành lãi suất, tỷ giá "
        "linh hoạt và theo dõi sát rủi ro trái phiếu doanh nghiệp.",
        "Xuất khẩu tăng trưởng tốt; đề nghị chủ động ứng phó với các biện pháp phòng vệ thương "
        "mại và đa dạng hóa thị trường.",
        "Báo cáo thiệt hại do bão lũ tại miền Trung; đề nghị bổ sung hỗ trợ giống cây trồng, vật "
        "nuôi để khôi phục sản xuất vụ đông xuân.",
        "Đề nghị các bộ, địa phương tập trung giải ngân đầu tư công, xử lý dứt điểm vướng mắc "
        "về mặt bằng của các dự án trọng điểm.",
    ],
    [
        "Bộ Tư pháp đã thẩm định; hồ sơ đủ điều kiện trình. Đề nghị làm rõ thẩm quyền của Chính "
        "phủ khi điều chỉnh mức giảm trừ gia cảnh.",
        "Đề nghị cân nhắc mức giảm trừ cho người phụ thuộc cao hơn để hỗ trợ người lao động thu "
        "nhập thấp; chưa đồng tình với mốc hiệu lực.",
        "Đồng ý quy định khấu trừ thuế đối với thu nhập từ tài sản mã hóa qua tổ chức được cấp "
        "phép; đề nghị phối hợp chặt chẽ với Ngân hàng Nhà nước.",
    ],
    [
        "Đề nghị ưu tiên vốn cho đường sắt tốc độ cao và các tuyến cao tốc kết nối vùng.",
        "Đề nghị bố trí vốn cho các công trình thủy lợi, phòng chống sạt lở ở đồng bằng sông "
        "Cửu Long.",
        "Thống nhất nguyên tắc không bố trí vốn dàn trải; yêu cầu hoàn thành giao kế hoạch chi "
        "tiết trước ngày 31 tháng 12.",
    ],
    [
        "Thay mặt Bộ trưởng trình bày tóm tắt dự án Luật và tiếp thu ý kiến thẩm định.",
        "Đề nghị quy định rõ trách nhiệm kết nối, chia sẻ dữ liệu giữa các cơ sở dữ liệu quốc "
        "gia và chuyên ngành.",
        "Đề nghị bổ sung yêu cầu bảo đảm an ninh mạng đối với các nền tảng số quốc gia.",
    ],
    [
        "Quy trình xét chọn qua ba cấp Hội đồng bảo đảm đúng quy định, công khai, minh bạch.",
        "Đề nghị quan tâm hơn đến các tác giả là người dân tộc thiểu số và tác phẩm về đề tài "
        "giáo dục.",
    ],
]
CONCLUSIONS = [
    "Chính phủ thống nhất đánh giá kinh tế vĩ mô cơ bản ổn định, tăng trưởng được thúc đẩy. Yêu "
    "cầu các bộ, ngành, địa phương tập trung khắc phục hậu quả thiên tai, đẩy mạnh giải ngân "
    "đầu tư công và bảo đảm cung ứng hàng hóa dịp cuối năm.",
    "Chính phủ thống nhất thông qua dự án Luật. Giao Bộ Tài chính chủ trì, phối hợp với Bộ Tư "
    "pháp tiếp thu tối đa ý kiến Thành viên Chính phủ, hoàn thiện hồ sơ.",
    "Chính phủ cơ bản thống nhất dự kiến kế hoạch đầu tư công năm tới; giao Bộ Tài chính hoàn "
    "thiện phương án phân bổ, báo cáo Quốc hội.",
    "Chính phủ thống nhất thông qua dự án Luật Chuyển đổi số; giao Bộ Khoa học và Công nghệ "
    "tiếp thu ý kiến về chia sẻ dữ liệu và an ninh mạng.",
    "Chính phủ thống nhất danh sách đề nghị xét tặng theo kết quả bỏ phiếu kín.",
]
DECISIONS = [
    "Yêu cầu các bộ, ngành, địa phương thực hiện quyết liệt các nhiệm vụ, giải pháp phát triển "
    "kinh tế - xã hội các tháng cuối năm; phấn đấu giải ngân 100% kế hoạch vốn đầu tư công.",
    "Thông qua dự án Luật Thuế thu nhập cá nhân (sửa đổi); giao Bộ trưởng Bộ Tài chính thừa "
    "ủy quyền Thủ tướng Chính phủ, thay mặt Chính phủ trình Quốc hội.",
    "Thống nhất dự kiến kế hoạch đầu tư công năm tới; giao Bộ Tài chính hoàn thiện, báo cáo "
    "Quốc hội theo quy định.",
    "Thông qua dự án Luật Chuyển đổi số; giao Bộ trưởng Bộ Khoa học và Công nghệ thay mặt "
    "Chính phủ trình Quốc hội.",
    "Đồng ý trình Chủ tịch nước quyết định tặng Giải thưởng Hồ Chí Minh, Giải thưởng Nhà nước "
    "về văn học, nghệ thuật theo danh sách Hội đồng cấp Nhà nước đề nghị.",
]


def draft_minutes(people: People, meeting: Any, day: date) -> None:
    """The secretariat drafts the minutes, circulates them and takes in a member's correction."""
    secretary = people["thuky"]
    clock.set(at(day + timedelta(days=1), "09:00"))
    minutes = records.ensure_minutes(meeting, secretary)
    content = minutes.content
    values: dict[str, str] = {
        "opening": OPENING.format(chair=meeting.chair.name),
        "closing": CLOSING.format(end=content["meeting"]["end_text"]),
    }
    for i, item in enumerate(content["items"]):
        for j, _speaker in enumerate(item["speakers"]):
            values[f"items.{i}.speakers.{j}.summary"] = SUMMARIES[i][j]
        values[f"items.{i}.conclusion"] = CONCLUSIONS[i]
        values[f"items.{i}.decision"] = DECISIONS[i]
    clock.set(at(day + timedelta(days=1), "15:20"))
    records.save_minutes(minutes, values, version=minutes.version, actor=secretary)
    clock.set(at(day + timedelta(days=2), "08:30"))
    records.circulate_minutes(minutes, actor=secretary)
    clock.set(at(day + timedelta(days=2), "14:05"))
    comment = records.add_comment(
        minutes,
        people["bnv"],
        item_id=content["items"][1]["item_id"],
        text="Đề nghị ghi rõ: Bộ Nội vụ đề nghị nâng mức giảm trừ cho "
        "người phụ thuộc và cân nhắc mốc hiệu lực của Luật.",
    )
    clock.set(at(day + timedelta(days=3), "10:15"))
    records.reopen_minutes(minutes, actor=secretary)
    corrected = (
        "Đề nghị nâng mức giảm trừ cho người phụ thuộc để hỗ trợ người lao động thu nhập thấp; "
        "đề nghị cân nhắc mốc hiệu lực của Luật (từ ngày 01 tháng 7 năm 2027)."
    )
    records.save_minutes(
        minutes,
        {"items.1.speakers.1.summary": corrected},
        version=minutes.version,
        actor=secretary,
    )
    records.resolve_comment(comment, actor=secretary)
    db.session.flush()


#: The organisation keystore's entry in the demo logins (records.cli.demo_keystores).
ORGANISATION_KEY = "organisation"


def signing_passphrases() -> dict[str, str]:
    """E-mail → passphrase of the demo keystores issued by the earlier seed-demo hook."""
    logins = getattr(g, "demo_logins", None) or []
    return {email: secret for label, email, secret in logins if label.startswith(SIGNING_LABEL)}


def sign_records(people: People, meeting: Any, ballot: Any) -> None:
    """Finalise and sign the minutes (secretary → chair); make the resolution and the ballot's
    decision final and sign them in the Decree 30 order (the chair, then the office's number,
    date and seal); seal and register the ballot's summary of opinions."""
    secretary, chair = people["thuky"], people["thutuong"]
    minutes = records.minutes_of(meeting)
    records.finalize_minutes(minutes, actor=secretary)
    resolution = records.draft_resolution(meeting, actor=secretary)
    # The draft is named after the month the session was held in; the session of "tháng 10"
    # meets early in November, so the secretariat puts the session's own name in.
    records.update_decision(
        resolution,
        {"summary": meeting.title},
        version=resolution.version,
        actor=secretary,
    )
    records.issue_decision(resolution, actor=secretary)
    decision = records.draft_ballot_decision(ballot, actor=secretary)
    records.update_decision(
        decision,
        {"summary": "Về việc ban hành Nghị định quy định giảm thuế giá trị gia tăng"},
        version=decision.version,
        actor=secretary,
    )
    records.issue_decision(decision, actor=secretary)
    passphrases = signing_passphrases()
    if not {secretary.email, chair.email, ORGANISATION_KEY} <= set(passphrases):
        log.warning("demo records left unsigned: no demo keystore passphrases were handed over")
        return
    sign_record(minutes, secretary, passphrases[secretary.email])
    sign_record(minutes, chair, passphrases[chair.email])
    for record in (resolution, decision):
        sign_record(record, chair, passphrases[chair.email])
        # The clerk (văn thư, the secretariat) numbers, dates and seals with the organisation's key.
        sign_record(record, secretary, passphrases[ORGANISATION_KEY])
    summary = records.ballot_summary_record(ballot, actor=secretary)
    sign_record(summary, secretary, passphrases[ORGANISATION_KEY])
