"""Seed the scale-out cluster's database (run as a subprocess with the workers' environment):
a chair, a secretariat and N members with seats and cheap password hashes, one meeting in
session with everybody checked in. Prints {"meeting_id", "item_id", "chair", "members"}."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

PASSWORD = "scaleout-password"


def main(count: int) -> None:
    """Build the people and the meeting; print what was made as JSON."""
    from argon2 import PasswordHasher

    from cabinet import create_app
    from cabinet.db import db, utcnow
    from cabinet.users.models import CabinetSeat, Role, User, UserRole
    from meetings import services
    from meetings.live import services as live
    from meetings.live.models import AttendanceMode

    app = create_app()
    with app.app_context():
        cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
        chair = User(name="Chủ tọa", email="chair@scaleout.test", password_hash=cheap)
        chair.role_rows += [UserRole(role=Role.MEMBER), UserRole(role=Role.CHAIR)]
        secretariat = User(name="Văn phòng", email="office@scaleout.test", password_hash=cheap)
        secretariat.role_rows.append(UserRole(role=Role.SECRETARIAT))
        members = []
        for n in range(count):
            user = User(
                name=f"Thành viên {n:03d}", email=f"m{n}@scaleout.test", password_hash=cheap
            )
            user.role_rows.append(UserRole(role=Role.MEMBER))
            members.append(user)
        db.session.add_all([chair, secretariat, *members])
        db.session.flush()
        db.session.add_all(
            CabinetSeat(member_id=u.id, position=i) for i, u in enumerate([chair, *members])
        )
        meeting = services.create_meeting(
            {
                "title": "Phiên họp Chính phủ (thử nhiều tiến trình)",
                "starts_at": utcnow() + timedelta(hours=1),
                "chair_id": chair.id,
                "member_ids": [chair.id] + [u.id for u in members],
            },
            actor=secretariat,
        )
        item = services.add_item(
            meeting, {"title": "Dự án Luật", "planned_minutes": 20}, actor=secretariat
        )
        services.publish_meeting(meeting, actor=secretariat)
        live.open_session(meeting, chair)
        for user in [chair, *members]:
            live.check_in(meeting, user, AttendanceMode.IN_ROOM)
        db.session.commit()
        print(
            json.dumps(
                {
                    "meeting_id": meeting.id,
                    "item_id": item.id,
                    "chair": chair.email,
                    "members": [u.email for u in members],
                }
            )
        )


if __name__ == "__main__":
    main(int(sys.argv[1]))
