"""Room screen tests: a committed meeting of a small cabinet, with the secretariat."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cabinet.db import db, utcnow
from cabinet.users.models import CabinetSeat, Role, User
from meetings.models import AgendaItem, Meeting, MeetingParticipant, MeetingState, ParticipantRole
from tests.meetings.live.conftest import manual_progress  # noqa: F401


@pytest.fixture
def room(committed_db, password_hash, manual_progress):  # noqa: F811
    """Chair + two members + the secretariat; a published meeting with a public item and a
    restricted one. Committed, for the live server; vote progress on its timer."""
    manual_progress.autostart = True
    people = []
    for i, (name, roles) in enumerate(
        [
            ("Trần Quốc Hưng", {Role.CHAIR, Role.MEMBER}),
            ("Lê Minh An", {Role.MEMBER}),
            ("Phạm Thu Hà", {Role.MEMBER}),
            ("Nguyễn Thị Hương", {Role.SECRETARIAT}),
        ]
    ):
        user = User(
            name=name,
            email=f"room{i}@ecabinet.test",
            password_hash=password_hash,
            title=("Thủ tướng Chính phủ", "Bộ trưởng", "Bộ trưởng", "Chuyên viên")[i],
            ministry=("", "Bộ Tài chính", "Bộ Tư pháp", "Văn phòng Chính phủ")[i],
        )
        user.set_roles(roles)
        people.append(user)
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all(CabinetSeat(member_id=u.id, position=i) for i, u in enumerate(people[:3]))
    meeting = Meeting(
        title="Phiên họp Chính phủ thường kỳ tháng 4 năm 2026",
        number="04/2026",
        starts_at=utcnow() + timedelta(hours=1),
        place="Phòng họp số 1, Trụ sở Chính phủ",
        chair_id=people[0].id,
        state=MeetingState.PUBLISHED,
    )
    meeting.participants.extend(
        MeetingParticipant(user_id=u.id, role=ParticipantRole.MEMBER) for u in people[:3]
    )
    meeting.participants.append(
        MeetingParticipant(user_id=people[3].id, role=ParticipantRole.SECRETARIAT)
    )
    meeting.items.extend(
        [
            AgendaItem(
                position=1,
                title="Dự án Luật Đất đai (sửa đổi)",
                ministry="Bộ Nông nghiệp và Môi trường",
                planned_minutes=30,
            ),
            AgendaItem(
                position=2, title="Phương án nhân sự cấp cao", planned_minutes=10, restricted=True
            ),
        ]
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting.id, [i.id for i in meeting.items], people
