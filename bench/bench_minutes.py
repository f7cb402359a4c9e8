"""Minutes of a 30-item session built from the real models, rendered and signed in-process.

A temporary SQLite database is seeded with a 27-member cabinet and a closed session of 30 items
(attendance, 4 speakers and an open vote per item) through the live-session and poll services;
the records package drafts the minutes from it, as in production.

* **render**: ``records.render.render_minutes`` (the Jinja template, PDF/A-3b, embedded
  serif, JSON + Akoma Ntoso twins) beside a bare ``weasyprint.HTML(string=html).write_pdf()`` of
  the same HTML in the same run; runs alternate, medians compared. Target ≤ 1.3×.
* **signatures**: the secretary's certification (with the chair's field reserved) and the chair's
  approval through ``records.signing.sign_record`` (PKCS#12 keystores from a demo CA),
  each timed in-process. Target ≤ 0.5 s each (the first signature of a process also prepares the
  stamp font, reported separately).

    .venv/bin/python bench/bench_minutes.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import weasyprint  # noqa: E402

from bench.common import Scenario, print_table, save_results  # noqa: E402
from cabinet.pki import serve_in_thread  # noqa: E402


def timed(fn):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def seed(app):
    """A closed 30-item session of a 27-member cabinet; returns (minutes, secretary, chair)."""
    from cabinet.db import Base, db, utcnow
    from cabinet.users.models import CabinetSeat, Role, User
    from meetings.live import services as live
    from meetings.live.models import AttendanceMode
    from meetings.models import (
        AgendaItem,
        Meeting,
        MeetingParticipant,
        MeetingState,
        ParticipantRole,
    )
    from records import services
    from voting.polls import services as polls
    from voting.polls.models import PollKind

    Base.metadata.create_all(db.engine)
    users = []
    for n in range(27):
        user = User(
            name=f"Bộ trưởng Nguyễn Văn {n + 1}",
            email=f"m{n}@bench.test",
            password_hash="x",
            title="Bộ trưởng",
            ministry=f"Bộ số {n + 1}",
        )
        user.set_roles({Role.MEMBER} | ({Role.CHAIR} if n == 0 else set()))
        users.append(user)
    secretary = User(
        name="Nguyễn Thị Hương",
        email="thuky@bench.test",
        password_hash="x",
        title="Vụ trưởng",
        ministry="Văn phòng Chính phủ",
    )
    secretary.set_roles({Role.SECRETARIAT})
    db.session.add_all([*users, secretary])
    db.session.flush()
    db.session.add_all(CabinetSeat(member_id=u.id, position=i) for i, u in enumerate(users))
    chair = users[0]
    meeting = Meeting(
        title="Phiên họp Chính phủ chuyên đề về xây dựng pháp luật tháng 3",
        number="03/2026",
        starts_at=utcnow() + timedelta(hours=1),
        place="Trụ sở Chính phủ",
        chair_id=chair.id,
        state=MeetingState.PUBLISHED,
    )
    meeting.participants.extend(
        MeetingParticipant(user_id=u.id, role=ParticipantRole.MEMBER) for u in users
    )
    meeting.participants.append(
        MeetingParticipant(user_id=secretary.id, role=ParticipantRole.SECRETARIAT)
    )
    meeting.items.extend(
        AgendaItem(
            position=i,
            title=f"Dự thảo Nghị định quy định chi tiết Luật số {i}",
            ministry=f"Bộ số {i % 27 + 1}",
        )
        for i in range(1, 31)
    )
    db.session.add(meeting)
    db.session.flush()
    live.open_session(meeting, chair)
    for user in users[1:]:
        live.check_in(meeting, user, AttendanceMode.IN_ROOM)
    live.check_in(meeting, chair, AttendanceMode.IN_ROOM)
    for item in meeting.items:
        live.set_current_item(meeting, chair, item)
        for k in range(4):
            req = live.request_floor(meeting, users[(item.position + k) % 26 + 1], item)
            live.give_floor(meeting, chair, req.id)
            live.finish_speaking(meeting, chair, req.id)
        poll = polls.open_poll(
            meeting,
            chair,
            item=item,
            question=f"Thông qua dự thảo số {item.position}?",
            kind=PollKind.OPEN,
        )
        for n, user in enumerate(users):
            polls.cast_vote(poll, user, "approve" if n < 20 else "disapprove", uuid.uuid4().hex)
        polls.close_poll(poll, chair)
    live.close_session(meeting, chair)
    db.session.commit()
    minutes = services.ensure_minutes(meeting, secretary)
    changes = {}
    for i, item in enumerate(minutes.content["items"]):
        for j in range(len(item["speakers"])):
            changes[f"items.{i}.speakers.{j}.summary"] = (
                "Cơ bản tán thành; đề nghị cơ quan chủ trì làm rõ quy định chuyển tiếp, nguồn lực và đánh giá tác động đối với người dân, doanh nghiệp."
            )
        changes[f"items.{i}.conclusion"] = (
            "Chính phủ thống nhất thông qua; giao cơ quan chủ trì tiếp thu tối đa ý kiến, hoàn thiện, trình ký ban hành."
        )
    services.save_minutes(minutes, changes, version=minutes.version, actor=secretary)
    db.session.commit()
    return minutes, secretary, chair


def main() -> None:
    """Seed, render (records vs bare WeasyPrint), finalize and sign; print and save the results."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with (
        tempfile.TemporaryDirectory() as tmp,
        # The demo PKI (TSA, OCSP) on loopback: a signature is timestamped and validated as the
        # app does it by default (PAdES B-LTA).
        serve_in_thread(Path(tmp) / "instance" / "keys") as pki,
    ):
        from cabinet import create_app
        from cabinet.db import db

        app = create_app(
            {
                "ECABINET_PKI_URL": pki.url,
                "ECABINET_INSTANCE_PATH": str(Path(tmp) / "instance"),
                "ECABINET_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
                "ECABINET_ASYNC_MODE": "threading",
                "ECABINET_SECRET_KEY": "bench-" + "x" * 40,
                "ECABINET_TICK_IN_PROCESS": "0",
            }
        )
        with app.app_context(), app.test_request_context():
            from cabinet.config import settings
            from cabinet.signing import create_demo_ca, issue_user_p12, user_p12_path
            from records import services
            from records.render import minutes_html, render_minutes
            from records.signing import sign_record

            minutes, secretary, chair = seed(app)
            html = minutes_html(minutes, number="")
            render_minutes(minutes)  # warm-up: fonts, template
            weasyprint.HTML(string=html).write_pdf()
            ours, bare = [], []
            for _ in range(runs):
                ours.append(timed(lambda: render_minutes(minutes))[0])
                bare.append(timed(lambda: weasyprint.HTML(string=html).write_pdf())[0])

            ca = create_demo_ca(settings().keys_dir, base_url=pki.url)
            for user, secret in ((secretary, "thu-ky-bench-1"), (chair, "chu-toa-bench-1")):
                issue_user_p12(
                    ca,
                    user_p12_path(settings().keys_dir, user.email),
                    name=user.name,
                    ministry=user.ministry,
                    passphrase=secret,
                )
            services.finalize_minutes(minutes, actor=secretary)
            db.session.commit()
            pages = render_minutes(minutes).count(b"/Type /Page\n") or None
            from cabinet.pdf import pdf_font_path
            from cabinet.signing.sign import _stamp_font_bytes

            # Once per process: subset and rescale the stamp font (reported on its own).
            font_seconds, _ = timed(lambda: _stamp_font_bytes(str(pdf_font_path())))
            sec_seconds, _ = timed(lambda: sign_record(minutes, secretary, "thu-ky-bench-1"))
            db.session.commit()
            chair_seconds, _ = timed(lambda: sign_record(minutes, chair, "chu-toa-bench-1"))
            db.session.commit()
            services_state = str(minutes.state)

    render_ours, render_bare = statistics.median(ours), statistics.median(bare)
    results = [
        Scenario(
            "minutes render, 30 items (PDF/A-3 + JSON + AKN)",
            render_ours,
            render_bare,
            "s",
            target=1.3,
            baseline_name="bare WeasyPrint, same HTML",
            extra={"runs": runs, "pages": pages},
        ),
        Scenario(
            "secretary's certifying signature (sign_record, in-process)",
            sec_seconds,
            None,
            "s",
            limit=0.5,
            note="includes preparing the stamp font once",
        ),
        Scenario(
            "chair's approval signature (sign_record, in-process)",
            chair_seconds,
            None,
            "s",
            limit=0.5,
        ),
        Scenario("stamp font preparation (once per process)", font_seconds, None, "s"),
    ]
    print_table(results)
    print(f"final state: {services_state}")
    save_results("minutes", results)


if __name__ == "__main__":
    main()
