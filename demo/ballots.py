"""2 and 3. The opinion ballots: one answered, closed at its deadline and concluded; one still open."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any

from cabinet.config import settings
from cabinet.db import clock, db
from demo.clock import at
from demo.papers.ballots import relief_decision, vat_decree
from demo.papers.pdf import PaperSpec, render_paper
from demo.people import People
from voting.ballots import services as ballots
from voting.ballots.models import AnswerChoice, ConclusionOutcome
from voting.workdays import add_working_days

# ---- 2. the concluded opinion ballot --------------------------------------------------------------

DONE_BALLOT = {
    "title": "Dự thảo Nghị định quy định giảm thuế giá trị gia tăng 6 tháng đầu năm sau",
    "background": (
        "<p>Thực hiện Nghị quyết của Quốc hội về dự toán ngân sách nhà nước, Bộ Tài chính trình "
        "dự thảo Nghị định giảm 2% thuế suất thuế giá trị gia tăng đối với các nhóm hàng hóa, "
        "dịch vụ đang áp dụng mức thuế suất 10% (trừ viễn thông, tài chính, ngân hàng, chứng "
        "khoán, bảo hiểm, kinh doanh bất động sản, kim loại, sản phẩm khai khoáng, hàng hóa "
        "chịu thuế tiêu thụ đặc biệt).</p><p>Văn phòng Chính phủ xin ý kiến Thành viên Chính phủ "
        "theo trình tự, thủ tục rút gọn.</p>"
    ),
    "questions": [
        "Đồng ý ban hành Nghị định theo trình tự, thủ tục rút gọn?",
        "Đồng ý mức giảm 2% thuế suất thuế giá trị gia tăng, áp dụng từ ngày 01 tháng 01 đến "
        "hết ngày 30 tháng 6 năm sau?",
    ],
}
# (local part, answer to Q1, answer to Q2, comment when not agreeing); the rest do not reply.
DONE_ANSWERS = [
    ("thutuong", "agree", "agree", ""),
    ("ptt.thuongtruc", "agree", "agree", ""),
    ("ptt.ha", "agree", "agree", ""),
    ("ptt.thang", "agree", "agree", ""),
    ("ptt.quang", "agree", "agree", ""),
    ("ptt.tuan", "agree", "agree", ""),
    (
        "ptt.lananh",
        "agree",
        "other",
        "Đề nghị đánh giá kỹ tác động giảm thu đối với ngân sách "
        "địa phương và có phương án bù đắp.",
    ),
    ("bqp", "agree", "agree", ""),
    ("bca", "agree", "agree", ""),
    ("bng", "agree", "agree", ""),
    ("bnv", "agree", "agree", ""),
    (
        "btp",
        "other",
        "agree",
        "Đồng ý về nội dung; đề nghị bổ sung báo cáo đánh giá tác động "
        "trước khi ban hành theo thủ tục rút gọn.",
    ),
    ("btc", "agree", "agree", ""),
    ("bct", "agree", "agree", ""),
    (
        "bnnmt",
        "agree",
        "disagree",
        "Đề nghị áp dụng cả đối với phân bón và thức ăn chăn nuôi "
        "để hỗ trợ nông dân sau thiên tai.",
    ),
    ("bvhttdl", "agree", "agree", ""),
    ("bkhcn", "agree", "agree", ""),
    ("bgddt", "agree", "agree", ""),
    ("byt", "agree", "agree", ""),
    ("nhnn", "agree", "agree", ""),
    (
        "ttcp",
        "disagree",
        "agree",
        "Không đồng ý áp dụng thủ tục rút gọn vì thời gian chuẩn bị "
        "còn đủ để thực hiện thủ tục thông thường.",
    ),
    ("vpcp", "agree", "agree", ""),
    ("ptt.thanh", "agree", "agree", ""),
]


def _answers(ballot: Any, people: People, plan: list, start: datetime, step: timedelta) -> None:
    questions = list(ballot.questions)
    for n, (local, *choices, comment) in enumerate(plan):
        moment = clock.set(start + step * n)
        answers = [
            ballots.AnswerInput(
                question_id=q.id,
                choice=AnswerChoice(choice),
                comment="" if choice == "agree" else f"<p>{comment}</p>",
            )
            for q, choice in zip(questions, choices, strict=True)
        ]
        ballots.save_response(ballot, people[local], answers, submit=True, now=moment)


def _ballot_paper(ballot, spec: PaperSpec, issued: date, filename: str, secretary) -> None:
    ballots.attach_paper(
        ballot,
        BytesIO(render_paper(spec, issued)),
        filename,
        title=spec.title[:300],
        classification="normal",
        by=secretary,
    )


def concluded_ballot(people: People, sent_day: date) -> Any:
    """A ballot sent after last month's session, answered, closed at its deadline, concluded."""
    secretary, chair = people["thuky"], people["thutuong"]
    now = clock.set(at(sent_day, "08:40"))
    ballot = ballots.create_ballot(
        title=DONE_BALLOT["title"],
        background=DONE_BALLOT["background"],
        questions=DONE_BALLOT["questions"],
        by=secretary,
        now=now,
    )
    _ballot_paper(
        ballot, vat_decree(people["btc"].name), sent_day, "to-trinh-nd-vat.pdf", secretary
    )
    ballots.submit_for_approval(ballot, by=secretary, now=clock.set(at(sent_day, "09:00")))
    sent = clock.set(at(sent_day, "10:30"))
    ballots.approve_ballot(ballot, by=chair, now=sent)
    span = (ballot.deadline - sent - timedelta(hours=6)) / len(DONE_ANSWERS)
    _answers(ballot, people, DONE_ANSWERS, sent + timedelta(minutes=40), span)
    # The tick closes it at the deadline (nobody closes it by hand: not everyone answered).
    closed = clock.set(ballot.deadline + timedelta(minutes=1))
    ballots.close_ballot(ballot, by=None, now=closed)
    proposal_at = clock.set(closed + timedelta(hours=16))
    ballots.set_proposal(
        ballot,
        "<p>Đa số Thành viên Chính phủ đồng ý cả hai nội dung. Văn phòng Chính phủ đề nghị Thủ "
        "tướng Chính phủ cho phép ban hành Nghị định; giao Bộ Tài chính tiếp thu ý kiến về "
        "đánh giá tác động ngân sách địa phương.</p>",
        by=secretary,
        now=proposal_at,
    )
    concluded = clock.set(proposal_at + timedelta(hours=5))
    ballots.conclude_ballot(
        ballot,
        text="<p>Đồng ý ban hành Nghị định theo trình tự, thủ tục rút gọn. Giao Bộ Tài chính "
        "tiếp thu ý kiến Thành viên Chính phủ, hoàn thiện dự thảo, trình ký ban hành trước ngày "
        "15 tháng 12.</p>",
        outcome=ConclusionOutcome.APPROVED,
        by=chair,
        now=concluded,
    )
    db.session.flush()
    return ballot


# ---- 3. the open ballot -----------------------------------------------------------------------------

OPEN_BALLOT = {
    "title": "Dự thảo Quyết định hỗ trợ khẩn cấp khắc phục hậu quả mưa lũ tại các tỉnh miền Trung",
    "background": (
        "<p>Từ cuối tháng 10, mưa lũ đặc biệt lớn đã gây thiệt hại nặng nề về người và tài sản "
        "tại các tỉnh miền Trung. Bộ Tài chính đề xuất hỗ trợ 2.500 tỷ đồng từ nguồn dự phòng "
        "ngân sách trung ương cho 6 tỉnh để khôi phục hạ tầng thiết yếu, trường học, trạm y tế "
        "và hỗ trợ người dân ổn định đời sống.</p>"
    ),
    "questions": [
        "Đồng ý mức hỗ trợ 2.500 tỷ đồng từ nguồn dự phòng ngân sách trung ương?",
        "Đồng ý phương án phân bổ cho 6 tỉnh theo mức độ thiệt hại như đề xuất?",
    ],
}
OPEN_ANSWERS = [
    ("ptt.thuongtruc", "agree", "agree", ""),
    ("btc", "agree", "agree", ""),
    (
        "bnnmt",
        "agree",
        "other",
        "Đề nghị dành một phần kinh phí cho khắc phục sạt lở bờ sông, bờ biển.",
    ),
    ("bca", "agree", "agree", ""),
    ("bxd", "agree", "agree", ""),
    ("btp", "agree", "agree", ""),
    ("byt", "agree", "other", "Đề nghị ưu tiên khôi phục trạm y tế xã bị ngập, hư hỏng."),
    ("ttcp", "agree", "agree", ""),
    (
        "bgddt",
        "agree",
        "disagree",
        "Đề nghị tách riêng kinh phí sửa chữa trường học để bảo đảm "
        "học sinh trở lại trường trước kỳ thi học kỳ I.",
    ),
]


def open_ballot(people: People, today: date) -> Any:
    """A ballot sent a few days ago, open until a deadline still ahead; some have answered."""
    secretary, chair = people["thuky"], people["thutuong"]
    config = settings()
    real_now = datetime.now(UTC)
    sent_day = today - timedelta(days=3)
    start = clock.set(at(sent_day, "08:15"))
    deadline = ballots.default_deadline(at(sent_day, "10:00"))
    if deadline < real_now + timedelta(days=1):
        deadline = add_working_days(real_now, 2, holidays=config.holidays, tz=config.timezone)
    ballot = ballots.create_ballot(
        title=OPEN_BALLOT["title"],
        background=OPEN_BALLOT["background"],
        questions=OPEN_BALLOT["questions"],
        deadline=deadline,
        by=secretary,
        now=start,
    )
    _ballot_paper(
        ballot, relief_decision(people["btc"].name), sent_day, "to-trinh-ho-tro-lu.pdf", secretary
    )
    ballots.submit_for_approval(ballot, by=secretary, now=clock.set(at(sent_day, "08:45")))
    sent = clock.set(at(sent_day, "10:00"))
    ballots.approve_ballot(ballot, by=chair, now=sent)
    # Answers spread between the sending and a little before now.
    span = (real_now - timedelta(hours=2) - sent) / len(OPEN_ANSWERS)
    _answers(ballot, people, OPEN_ANSWERS, sent + timedelta(minutes=50), span)
    db.session.flush()
    return ballot
