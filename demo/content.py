"""The demo's month of cabinet work, played through the packages' own services.

`cabinet seed-demo` creates the people (cabinet.demo), then calls the demo hooks; this one adds
what a newcomer should find on first run:

1. last month's regular session, completed: agenda with papers (one restricted), attendance
   (a deputy, a leave), speakers, an open and a secret vote, minutes drafted, circulated,
   corrected, finalised and signed (secretary, then chair), the resolution issued and signed;
2. an opinion ballot answered by most members, closed at its deadline, concluded by the chair,
   with its decision record issued and signed;
3. an opinion ballot sent a few days ago, open, some members have answered;
4. next week's regular session, published, with its agenda and papers.

Nothing is inserted behind the services' back: every step goes through the function a page or
a tablet would call, so the rules (quorum, majority, deadlines, signing order) and the audit
chain are exercised exactly as in real use. Past steps run on a demo clock (`DemoClock`) set to
the moment they would have happened; signatures are made at the real time, because the
signing certificates are issued now and a PDF signature carries the real signing time.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, g
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

import cabinet.db as cabinet_db
from cabinet.config import settings
from cabinet.db import db
from cabinet.users.models import User
from demo.papers import (
    PaperSpec,
    draft_law,
    economy_report,
    render_paper,
    risk_annex,
    submission,
)
from demo.people import DOMAIN

log = logging.getLogger(__name__)

PLACE = "Trụ sở Chính phủ, số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội"
SIGNING_LABEL = "Mật khẩu ký số"


def register(app: Flask) -> None:
    """Add the demo content to the `seed-demo` hooks (after the signing keystores' hook)."""
    hooks = app.extensions.setdefault("ecabinet.demo_hooks", [])
    if seed_demo_content not in hooks:
        hooks.append(seed_demo_content)


# ---- the demo clock -----------------------------------------------------------------------------


class DemoClock:
    """Makes `cabinet.db.utcnow()` (the one clock of every service) read a chosen moment.

    Time keeps flowing from the moment set, so consecutive events keep their order. Only
    `utcnow` is affected; `reset()` (and leaving `demo_clock()`) returns to the real time.
    """

    def __init__(self) -> None:
        self.offset = timedelta(0)
        clock = self

        class _Shifted(datetime):
            @classmethod
            def now(cls, tz=None):  # noqa: D102 - the shifted `datetime.now`
                return datetime.now(tz) + clock.offset

        self.datetime_class = _Shifted

    def set(self, moment: datetime) -> datetime:
        """From now on `utcnow()` reads `moment` (and runs on from there)."""
        self.offset = moment - datetime.now(UTC)
        return moment

    def reset(self) -> None:
        """Back to the real time."""
        self.offset = timedelta(0)


@contextmanager
def demo_clock() -> Iterator[DemoClock]:
    """Install a DemoClock for the duration of the block."""
    clock = DemoClock()
    original = cabinet_db.datetime
    cabinet_db.datetime = clock.datetime_class
    try:
        yield clock
    finally:
        cabinet_db.datetime = original


# ---- dates --------------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings().timezone)


def at(day: date, hhmm: str) -> datetime:
    """`day` at local `hh:mm`, as aware UTC."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=_zone()).astimezone(UTC)


def weekday_on_or_before(day: date) -> date:
    """The day itself or the Friday before it when it falls on a weekend."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def weekday_on_or_after(day: date) -> date:
    """The day itself or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def report_month(session_day: date) -> tuple[int, int]:
    """The month a regular session reviews: sessions held early in a month review the last."""
    reviewed = session_day - timedelta(days=15)
    return reviewed.month, reviewed.year


# ---- people -------------------------------------------------------------------------------------


class People:
    """The demo cabinet's people by the local part of their e-mail (`thutuong`, `btc`, ...)."""

    def __init__(self) -> None:
        users = db.session.scalars(select(User).where(User.email.like(f"%@{DOMAIN}")))
        self.by_local = {u.email.split("@")[0]: u for u in users}

    def __getitem__(self, local: str) -> User:
        return self.by_local[local]


def signing_passphrases() -> dict[str, str]:
    """E-mail → passphrase of the demo keystores issued by the earlier seed-demo hook."""
    logins = getattr(g, "demo_logins", None) or []
    return {email: secret for label, email, secret in logins if label.startswith(SIGNING_LABEL)}


def upload(spec: PaperSpec, issued: date, filename: str) -> FileStorage:
    """A paper as the browser would upload it."""
    return FileStorage(
        stream=BytesIO(render_paper(spec, issued)),
        filename=filename,
        content_type="application/pdf",
    )


# ---- the hook -----------------------------------------------------------------------------------


def seed_demo_content() -> list[tuple[str, str, str]]:
    """Create the demo's sessions, ballots and signed records; returns no extra logins."""
    people = People()
    if "thutuong" not in people.by_local or "thuky" not in people.by_local:
        log.warning("demo content skipped: the demo cabinet is not there")
        return []
    today = datetime.now(_zone()).date()
    past_day = weekday_on_or_before(today - timedelta(days=24))
    next_day = weekday_on_or_after(today + timedelta(days=7))
    with demo_clock() as clock:
        past = hold_past_session(clock, people, past_day)
        draft_minutes(clock, people, past, past_day)
        concluded = concluded_ballot(clock, people, past_day + timedelta(days=3))
        prepare_next_session(clock, people, next_day, today)
        open_ballot(clock, people, today)
        clock.reset()
    sign_records(people, past, concluded)
    db.session.flush()
    return []


# ---- 1. last month's session --------------------------------------------------------------------


def _law_tax(signer: str) -> PaperSpec:
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


def _tax_law_text() -> PaperSpec:
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


def _public_investment(signer: str, year: int) -> PaperSpec:
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


def _digital_law(signer: str) -> PaperSpec:
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


def _awards(signer: str, year: int) -> PaperSpec:
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


def hold_past_session(clock: DemoClock, people: People, day: date) -> Any:
    """Prepare, publish, hold and close last month's regular session."""
    from meetings import services as meetings
    from meetings.live import services as live
    from meetings.live.models import AttendanceMode, Presence
    from meetings.models import ItemKind, MeetingForm, MeetingKind
    from voting.polls import services as polls
    from voting.polls.models import PollKind

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
                (_law_tax(minister_tc), "to-trinh-luat-thue-tncn.pdf", None),
                (_tax_law_text(), "du-thao-luat-thue-tncn.pdf", None),
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
            [(_public_investment(minister_tc, year), "to-trinh-dau-tu-cong.pdf", None)],
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
            [(_digital_law(minister_kh), "to-trinh-luat-chuyen-doi-so.pdf", None)],
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
            [(_awards(people["bvhttdl"].name, year), "to-trinh-giai-thuong.pdf", None)],
        ),
    ]
    items = _build_agenda(clock, meeting, agenda, people, prep, secretary)
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
    present = [u for u in _members() if u.id not in (absent_deputy.id, absent_leave.id)]
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
                polls,
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
                polls,
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


def _members() -> list[User]:
    """The seat holders in protocol order (the chair included)."""
    from cabinet.users.services import all_members

    return all_members()


def _build_agenda(clock, meeting, agenda, people, prep: date, secretary) -> list[Any]:
    """Add the items and upload their papers (restricted ones with their named readers)."""
    from meetings import services as meetings
    from meetings.models import Classification

    items = []
    for n, (fields, papers) in enumerate(agenda):
        clock.set(at(prep, "09:30") + timedelta(minutes=12 * n))
        item = meetings.add_item(meeting, fields, actor=secretary)
        items.append(item)
        for spec, filename, readers in papers:
            clock.set(at(prep, "14:00") + timedelta(minutes=12 * n))
            meetings.add_paper(
                item,
                title=spec.title[:300],
                upload=upload(spec, prep - timedelta(days=3), filename),
                classification=Classification.RESTRICTED if readers else Classification.NORMAL,
                reader_ids=[people[r].id for r in readers or ()],
                actor=secretary,
            )
    return items


# Who asks to speak on each item of last month's session, in order (e-mail local parts).
SPEAKERS = [
    ["nhnn", "bct", "bnnmt", "ptt.ha"],
    ["btp", "bldtbxh", "nhnn"],
    ["bgtvt", "bnnmt", "ptt.thang"],
    ["tt.bkhcn", "btttt", "bca"],
    ["bnv", "bgddt"],
]
# Open vote on item 2: everyone present approves except these.
OPEN_VOTE = {"bldtbxh": "disapprove", "bgtvt": "abstain"}
# Secret vote on item 5: how many of each choice (the rest approve). No voter is named.
SECRET_VOTE = {"disapprove": 2, "abstain": 2}


def _vote(polls, meeting, chair, item, question, kind, present, plan) -> None:
    from voting.polls.models import PollKind

    poll = polls.open_poll(meeting, chair, item=item, question=question, kind=kind)
    if kind == PollKind.OPEN:
        choices = [plan.get(u.email.split("@")[0], "approve") for u in present]
    else:
        pool = ["disapprove"] * plan["disapprove"] + ["abstain"] * plan["abstain"]
        choices = ["approve"] * (len(present) - len(pool)) + pool
    for user, choice in zip(present, choices, strict=True):
        polls.cast_vote(poll, user, choice, uuid.uuid4().hex)
    polls.close_poll(poll, chair)


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


def draft_minutes(clock: DemoClock, people: People, meeting: Any, day: date) -> None:
    """The secretariat drafts the minutes, circulates them and takes in a member's correction."""
    from records import services as records

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
        people["bldtbxh"],
        item_id=content["items"][1]["item_id"],
        text="Đề nghị ghi rõ: Bộ Lao động, Thương binh và Xã hội đề nghị nâng mức giảm trừ cho "
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
    ("bldtbxh", "agree", "agree", ""),
    (
        "btttt",
        "agree",
        "disagree",
        "Đề nghị giảm thuế cả dịch vụ viễn thông để thúc đẩy kinh tế số.",
    ),
]


def _answers(ballot, people: People, plan, start: datetime, step: timedelta, clock) -> None:
    from voting.ballots import services as ballots
    from voting.ballots.models import AnswerChoice

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
    from voting.ballots import services as ballots

    ballots.attach_paper(
        ballot,
        BytesIO(render_paper(spec, issued)),
        filename,
        title=spec.title[:300],
        classification="normal",
        by=secretary,
    )


def _vat_decree(signer: str) -> PaperSpec:
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


def concluded_ballot(clock: DemoClock, people: People, sent_day: date) -> Any:
    """A ballot sent after last month's session, answered, closed at its deadline, concluded."""
    from voting.ballots import services as ballots
    from voting.ballots.models import ConclusionOutcome

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
        ballot, _vat_decree(people["btc"].name), sent_day, "to-trinh-nd-vat.pdf", secretary
    )
    ballots.submit_for_approval(ballot, by=secretary, now=clock.set(at(sent_day, "09:00")))
    sent = clock.set(at(sent_day, "10:30"))
    ballots.approve_ballot(ballot, by=chair, now=sent)
    span = (ballot.deadline - sent - timedelta(hours=6)) / len(DONE_ANSWERS)
    _answers(ballot, people, DONE_ANSWERS, sent + timedelta(minutes=40), span, clock)
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


def _relief_decision(signer: str) -> PaperSpec:
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


def open_ballot(clock: DemoClock, people: People, today: date) -> Any:
    """A ballot sent a few days ago, open until a deadline still ahead; some have answered."""
    from voting.ballots import services as ballots
    from voting.workdays import add_working_days

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
        ballot, _relief_decision(people["btc"].name), sent_day, "to-trinh-ho-tro-lu.pdf", secretary
    )
    ballots.submit_for_approval(ballot, by=secretary, now=clock.set(at(sent_day, "08:45")))
    sent = clock.set(at(sent_day, "10:00"))
    ballots.approve_ballot(ballot, by=chair, now=sent)
    # Answers spread between the sending and a little before now.
    span = (real_now - timedelta(hours=2) - sent) / len(OPEN_ANSWERS)
    _answers(ballot, people, OPEN_ANSWERS, sent + timedelta(minutes=50), span, clock)
    db.session.flush()
    return ballot


# ---- 4. next week's session ------------------------------------------------------------------------


def _housing_law(signer: str) -> PaperSpec:
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


def _plan_resolution(signer: str, year: int) -> PaperSpec:
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


def _monetary_plan(signer: str, year: int) -> PaperSpec:
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


def _science_report(signer: str) -> PaperSpec:
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


def prepare_next_session(clock: DemoClock, people: People, day: date, today: date) -> Any:
    """Next week's regular session: agenda and papers prepared, published to participants."""
    from meetings import services as meetings
    from meetings.models import ItemKind, MeetingForm, MeetingKind

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
                (_plan_resolution(tc, year), "to-trinh-nghi-quyet-01.pdf", None),
                (
                    _monetary_plan(nhnn, year),
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
            [(_housing_law(people["bxd"].name), "to-trinh-luat-nha-o.pdf", None)],
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
            [(_science_report(people["bkhcn"].name), "bao-cao-nq57.pdf", None)],
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
    _build_agenda(clock, meeting, agenda, people, prep, secretary)
    clock.set(at(today - timedelta(days=2), "16:00"))
    meetings.publish_meeting(meeting, actor=secretary)
    db.session.flush()
    return meeting


# ---- signatures (real time) -----------------------------------------------------------------------


def sign_records(people: People, meeting: Any, ballot: Any) -> None:
    """Finalise and sign the minutes, issue and sign the resolution and the ballot's decision."""
    from records import services as records
    from records.signing import sign_record

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
    if secretary.email not in passphrases or chair.email not in passphrases:
        log.warning("demo records left unsigned: no demo keystore passphrases were handed over")
        return
    for record in (minutes, resolution, decision):
        sign_record(record, secretary, passphrases[secretary.email])
        sign_record(record, chair, passphrases[chair.email])
