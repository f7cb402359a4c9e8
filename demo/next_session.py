"""4. Next week's regular session: agenda and papers prepared, published to the participants."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cabinet.db import clock, db
from demo.agenda import PLACE, build_agenda
from demo.clock import at, report_month
from demo.papers.next_session import housing_law, monetary_plan, plan_resolution, science_report
from demo.papers.reports import economy_report
from demo.people import People
from meetings import services as meetings
from meetings.models import ItemKind, MeetingForm, MeetingKind


def prepare_next_session(people: People, day: date, today: date) -> Any:
    """Next week's regular session: agenda and papers prepared, published to participants."""
    month, year = report_month(day)
    secretary, chair = people["thuky"], people["thutuong"]
    prep = today - timedelta(days=4)
    clock.set(at(prep, "08:50"))
    meeting = meetings.create_meeting(
        {
            "kind": MeetingKind.REGULAR,
            "title": f"Phiên họp Chính phủ thường kỳ tháng {month} năm {year}",
            "number": f"{month:02d}/{year}",
            "starts_at": at(day, "08:00"),
            "ends_at": at(day, "17:00"),
            "place": PLACE,
            "form": MeetingForm.HYBRID,
            "chair_id": chair.id,
            "invitee_ids": [people["khachmoi"].id],
        },
        actor=secretary,
    )
    tc, nhnn = people["btc"].name, people["nhnn"].name
    agenda = [
        (
            {
                "title": f"Báo cáo tình hình kinh tế - xã hội tháng {month} và {month} tháng năm "
                f"{year}",
                "summary": "Kết quả điều hành, các chỉ tiêu chủ yếu, nhiệm vụ tháng cuối năm.",
                "kind": ItemKind.DISCUSSION,
                "ministry": "Bộ Tài chính",
                "presenter": f"Bộ trưởng {tc}",
                "planned_minutes": 60,
            },
            [(economy_report(month, year, tc), "bao-cao-kt-xh.pdf", None)],
        ),
        (
            {
                "title": f"Dự thảo Nghị quyết về nhiệm vụ, giải pháp chủ yếu thực hiện Kế hoạch "
                f"phát triển kinh tế - xã hội và dự toán ngân sách nhà nước năm {year + 1}",
                "summary": "Mục tiêu tăng trưởng, 11 nhóm nhiệm vụ, giải pháp và phụ lục giao "
                "nhiệm vụ cho các bộ, ngành, địa phương.",
                "kind": ItemKind.DECISION,
                "ministry": "Bộ Tài chính",
                "presenter": f"Bộ trưởng {tc}",
                "planned_minutes": 45,
            },
            [
                (plan_resolution(tc, year), "to-trinh-nghi-quyet-01.pdf", None),
                (
                    monetary_plan(nhnn, year),
                    "to-trinh-chinh-sach-tien-te.pdf",
                    ("thutuong", "btc", "nhnn"),
                ),
            ],
        ),
        (
            {
                "title": "Dự án Luật Nhà ở (sửa đổi)",
                "summary": "Nhà ở xã hội cho thuê do Nhà nước đầu tư; cải tạo chung cư cũ.",
                "kind": ItemKind.DECISION,
                "ministry": "Bộ Xây dựng",
                "presenter": f"Bộ trưởng {people['bxd'].name}",
                "planned_minutes": 40,
            },
            [(housing_law(people["bxd"].name), "to-trinh-luat-nha-o.pdf", None)],
        ),
        (
            {
                "title": "Báo cáo tình hình thực hiện Nghị quyết số 57-NQ/TW về đột phá phát "
                "triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
                "summary": "Kết quả sau gần hai năm, hạn chế và nhiệm vụ thời gian tới.",
                "kind": ItemKind.INFORMATION,
                "ministry": "Bộ Khoa học và Công nghệ",
                "presenter": f"Bộ trưởng {people['bkhcn'].name}",
                "planned_minutes": 30,
            },
            [(science_report(people["bkhcn"].name), "bao-cao-nq57.pdf", None)],
        ),
        (
            {
                "title": "Công tác chuẩn bị Tết Nguyên đán, bảo đảm an sinh xã hội",
                "summary": "Cung ứng hàng hóa thiết yếu, bình ổn giá, hỗ trợ gạo cho người dân "
                "vùng bị thiên tai.",
                "kind": ItemKind.DISCUSSION,
                "ministry": "Bộ Công Thương",
                "presenter": f"Bộ trưởng {people['bct'].name}",
                "planned_minutes": 20,
            },
            [],
        ),
    ]
    build_agenda(meeting, agenda, people, prep, secretary)
    clock.set(at(today - timedelta(days=2), "16:00"))
    meetings.publish_meeting(meeting, actor=secretary)
    db.session.flush()
    return meeting
