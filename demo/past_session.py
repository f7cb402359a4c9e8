"""1. Last month's regular session, held: agenda, attendance, speakers, an open and a secret vote."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from cabinet.db import clock, db
from cabinet.users.services import all_members
from demo.agenda import PLACE, build_agenda
from demo.clock import at, report_month
from demo.papers.past_session import awards, digital_law, law_tax, public_investment, tax_law_text
from demo.papers.reports import economy_report, risk_annex
from demo.people import People
from meetings import services as meetings
from meetings.live import services as live
from meetings.live.models import AttendanceMode, Presence
from meetings.models import ItemKind, MeetingForm, MeetingKind
from voting.polls import services as polls
from voting.polls.models import PollKind

SPEAKERS = [
    ["nhnn", "bct", "bnnmt", "ptt.ha"],
    ["btp", "bnv", "nhnn"],
    ["bdttg", "bnnmt", "ptt.thang"],
    ["tt.bkhcn", "bct", "bca"],
    ["bnv", "bgddt"],
]
# Open vote on item 2: everyone present approves except these.
OPEN_VOTE = {"bnv": "disapprove", "bdttg": "abstain"}
# Secret vote on item 5: how many of each choice (the rest approve). No voter is named.
SECRET_VOTE = {"disapprove": 2, "abstain": 2}


def hold_past_session(people: People, day: date) -> Any:
    """Prepare, publish, hold and close last month's regular session."""
    month, year = report_month(day)
    secretary, chair = people["thuky"], people["thutuong"]
    prep = day - timedelta(days=7)
    clock.set(at(prep, "09:10"))
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
    minister_tc, minister_kh = people["btc"].name, people["bkhcn"].name
    agenda = [
        (
            {
                "title": f"Báo cáo tình hình kinh tế - xã hội tháng {month} và {month} tháng năm "
                f"{year}; nhiệm vụ, giải pháp trọng tâm thời gian tới",
                "summary": "Đánh giá kết quả điều hành kinh tế vĩ mô, tăng trưởng, giải ngân đầu "
                "tư công và khắc phục hậu quả thiên tai; nhiệm vụ các tháng cuối năm.",
                "kind": ItemKind.DISCUSSION,
                "ministry": "Bộ Tài chính",
                "presenter": f"Bộ trưởng {minister_tc}",
                "planned_minutes": 60,
            },
            [
                (economy_report(month, year, minister_tc), "bao-cao-kt-xh.pdf", None),
                (
                    risk_annex(month, year, minister_tc),
                    "phu-luc-rui-ro-tai-chinh-tien-te.pdf",
                    ("thutuong", "btc", "nhnn"),
                ),
            ],
        ),
        (
            {
                "title": "Dự án Luật Thuế thu nhập cá nhân (sửa đổi)",
                "summary": "Rút gọn biểu thuế lũy tiến còn 5 bậc, nâng mức giảm trừ gia cảnh, "
                "quy định thu nhập từ kinh tế số.",
                "kind": ItemKind.DECISION,
                "ministry": "Bộ Tài chính",
                "presenter": f"Bộ trưởng {minister_tc}",
                "planned_minutes": 45,
            },
            [
                (law_tax(minister_tc), "to-trinh-luat-thue-tncn.pdf", None),
                (tax_law_text(), "du-thao-luat-thue-tncn.pdf", None),
            ],
        ),
        (
            {
                "title": f"Dự kiến kế hoạch đầu tư công năm {year + 1}",
                "summary": "Tổng mức, cơ cấu nguồn vốn và nguyên tắc phân bổ; các dự án quan "
                "trọng quốc gia.",
                "kind": ItemKind.DECISION,
                "ministry": "Bộ Tài chính",
                "presenter": f"Bộ trưởng {minister_tc}",
                "planned_minutes": 40,
            },
            [(public_investment(minister_tc, year), "to-trinh-dau-tu-cong.pdf", None)],
        ),
        (
            {
                "title": "Dự án Luật Chuyển đổi số",
                "summary": "Khung pháp lý thống nhất cho chính phủ số, kinh tế số, xã hội số; "
                "nguyên tắc dữ liệu chỉ cung cấp một lần.",
                "kind": ItemKind.DECISION,
                "ministry": "Bộ Khoa học và Công nghệ",
                "presenter": f"Thứ trưởng {people['tt.bkhcn'].name} (thừa ủy quyền Bộ trưởng)",
                "planned_minutes": 45,
            },
            [(digital_law(minister_kh), "to-trinh-luat-chuyen-doi-so.pdf", None)],
        ),
        (
            {
                "title": f"Đề nghị xét tặng Giải thưởng Hồ Chí Minh, Giải thưởng Nhà nước về văn "
                f"học, nghệ thuật năm {year}",
                "summary": "Kết quả xét chọn của Hội đồng cấp Nhà nước; Chính phủ bỏ phiếu kín.",
                "kind": ItemKind.DECISION,
                "ministry": "Bộ Văn hóa, Thể thao và Du lịch",
                "presenter": f"Bộ trưởng {people['bvhttdl'].name}",
                "planned_minutes": 20,
                "restricted": True,
            },
            [(awards(people["bvhttdl"].name, year), "to-trinh-giai-thuong.pdf", None)],
        ),
    ]
    items = build_agenda(meeting, agenda, people, prep, secretary)
    clock.set(at(day - timedelta(days=5), "16:30"))
    meetings.publish_meeting(meeting, actor=secretary)

    # The session.
    clock.set(at(day, "08:00"))
    live.open_session(meeting, chair)
    absent_deputy, absent_leave = people["bkhcn"], people["bxd"]
    clock.set(at(day, "08:01"))
    live.mark_attendance(
        meeting,
        secretary,
        absent_deputy,
        presence=Presence.ABSENT,
        with_leave=True,
        leave_reason="Dẫn đầu đoàn công tác của Chính phủ tại Nhật Bản",
    )
    live.assign_deputy(meeting, secretary, absent_deputy, people["tt.bkhcn"])
    live.mark_attendance(
        meeting,
        secretary,
        absent_leave,
        presence=Presence.ABSENT,
        with_leave=True,
        leave_reason="Kiểm tra công tác khắc phục hậu quả bão lũ tại tỉnh Quảng Ngãi",
    )
    remote = {"ptt.quang", "bng"}
    present = [u for u in all_members() if u.id not in (absent_deputy.id, absent_leave.id)]
    for n, user in enumerate(present):
        clock.set(at(day, "08:02") + timedelta(seconds=20 * n))
        local = user.email.split("@")[0]
        mode = AttendanceMode.REMOTE if local in remote else AttendanceMode.IN_ROOM
        live.check_in(meeting, user, mode)
    live.check_in(meeting, people["tt.bkhcn"], AttendanceMode.IN_ROOM)
    live.check_in(meeting, people["khachmoi"], AttendanceMode.IN_ROOM)

    starts = ["08:15", "09:20", "10:10", "10:50", "11:35"]
    for index, (item, speakers) in enumerate(zip(items, SPEAKERS, strict=True)):
        moment = clock.set(at(day, starts[index]))
        if index:
            live.set_current_item(meeting, chair, item)
        for n, local in enumerate(speakers):
            clock.set(moment + timedelta(minutes=8 + 7 * n))
            request = live.request_floor(meeting, people[local], item)
            live.give_floor(meeting, chair, request.id)
            clock.set(moment + timedelta(minutes=14 + 7 * n))
            live.finish_speaking(meeting, chair, request.id)
        if index == 1:
            clock.set(moment + timedelta(minutes=38))
            _vote(
                meeting,
                chair,
                item,
                "Thông qua dự án Luật Thuế thu nhập cá nhân (sửa đổi) để trình Quốc hội?",
                PollKind.OPEN,
                present,
                OPEN_VOTE,
            )
        if index == 4:
            clock.set(moment + timedelta(minutes=15))
            _vote(
                meeting,
                chair,
                item,
                "Đồng ý trình Chủ tịch nước danh sách đề nghị xét tặng Giải thưởng Hồ Chí Minh, "
                "Giải thưởng Nhà nước về văn học, nghệ thuật?",
                PollKind.SECRET,
                present,
                SECRET_VOTE,
            )
    clock.set(at(day, "11:58"))
    live.close_session(meeting, chair)
    db.session.flush()
    return meeting


def _vote(meeting, chair, item, question, kind, present, plan) -> None:
    """Open a vote on `item`, have everyone present vote as `plan` says, close it."""
    poll = polls.open_poll(meeting, chair, item=item, question=question, kind=kind)
    if kind == PollKind.OPEN:
        choices = [plan.get(u.email.split("@")[0], "approve") for u in present]
    else:
        pool = ["disapprove"] * plan["disapprove"] + ["abstain"] * plan["abstain"]
        choices = ["approve"] * (len(present) - len(pool)) + pool
    for user, choice in zip(present, choices, strict=True):
        polls.cast_vote(poll, user, choice, uuid.uuid4().hex)
    polls.close_poll(poll, chair)
