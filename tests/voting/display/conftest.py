"""Room screen tests: a committed meeting of a small cabinet, with the secretariat."""

from __future__ import annotations

import pytest

from cabinet.users.models import Role
from meetings.models import AgendaItem
from tests.meetings.live.conftest import manual_progress  # noqa: F401
from tests.voting.polls.helpers import committed_meeting


@pytest.fixture
def room(committed_db, password_hash, manual_progress):  # noqa: F811
    """Chair + two members + the secretariat; a published meeting with a public item and a
    restricted one. Committed, for the live server; vote progress on its timer."""
    manual_progress.autostart = True
    meeting, people = committed_meeting(
        password_hash,
        [
            ("Trần Quốc Hưng", {Role.CHAIR, Role.MEMBER}, {"title": "Thủ tướng Chính phủ"}),
            ("Lê Minh An", {Role.MEMBER}, {"ministry": "Bộ Tài chính"}),
            ("Phạm Thu Hà", {Role.MEMBER}, {"ministry": "Bộ Tư pháp"}),
            (
                "Nguyễn Thị Hương",
                {Role.SECRETARIAT},
                {"title": "Chuyên viên", "ministry": "Văn phòng Chính phủ"},
            ),
        ],
        email="room",
        number="04/2026",
        title="Phiên họp Chính phủ thường kỳ tháng 4 năm 2026",
        items=[
            AgendaItem(
                position=1,
                title="Dự án Luật Đất đai (sửa đổi)",
                ministry="Bộ Nông nghiệp và Môi trường",
                planned_minutes=30,
            ),
            AgendaItem(
                position=2, title="Phương án nhân sự cấp cao", planned_minutes=10, restricted=True
            ),
        ],
    )
    return meeting.id, [i.id for i in meeting.items], people
