"""A closed session with attendance, speakers and two votes; signing keys from a demo CA."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from cabinet.config import settings
from cabinet.db import db
from cabinet.signing import create_demo_ca, issue_user_p12, load_demo_ca, user_p12_path
from cabinet.signing.keys import CA_CERT_FILE, CA_DIR
from meetings.live import services as live
from meetings.live.models import AttendanceMode, Presence
from meetings.models import MeetingParticipant, ParticipantRole
from records import services
from records.decree30 import issue_organisation_keystore
from records.signing import sign_record
from tests.voting.polls.helpers import build_session, check_in
from voting.polls import services as polls
from voting.polls.models import PollKind
from voting.polls.progress import progress_flusher

PASSPHRASES = {
    "secretary": "thu-ky-ky-so-2026",
    "chair": "thu-tuong-ky-so-2026",
    "organisation": "con-dau-chinh-phu-2026",
}
SPEECHES = [
    "Đồng ý với sự cần thiết ban hành; đề nghị làm rõ quy định chuyển tiếp.",
    "Đề nghị bổ sung đánh giá tác động đối với người dân, doanh nghiệp.",
]


def demo_ca():
    """The demo CA of the test app's keys_dir (created once per test session), its certificates
    naming the session's PKI service (OCSP, CRLs, TSA)."""
    keys_dir = Path(settings().keys_dir)
    if not (keys_dir / CA_DIR / CA_CERT_FILE).exists():
        return create_demo_ca(keys_dir, base_url=settings().pki_url)
    return load_demo_ca(keys_dir)


def issue_keystore(user, passphrase: str) -> Path:
    """A demo-CA keystore for `user` at the default per-user path."""
    path = user_p12_path(settings().keys_dir, user.email)
    issue_user_p12(
        demo_ca(),
        path,
        name=user.name,
        ministry=user.ministry or "Chính phủ",
        passphrase=passphrase,
        email=user.email,
        overwrite=True,
    )
    return path


def hold_session(cab) -> SimpleNamespace:
    """Run a whole session: attendance (leave, deputy, invitee), speakers, an open and a secret
    vote; then close it."""
    session = build_session(cab)
    meeting, items = session.meeting, session.items
    absent, deputy = cab.members[1], cab.deputies[0]
    live.mark_attendance(
        meeting,
        cab.secretariat,
        absent,
        presence=Presence.ABSENT,
        with_leave=True,
        leave_reason="Đi công tác nước ngoài",
    )
    live.assign_deputy(meeting, cab.secretariat, absent, deputy)
    present = [m for m in cab.members if m is not absent]
    check_in(meeting, present[:-2])
    check_in(meeting, present[-2:], AttendanceMode.REMOTE)
    check_in(meeting, [deputy, cab.invitee])

    speakers = [cab.members[2], deputy, cab.members[3]]
    for user in speakers:
        request = live.request_floor(meeting, user, items[0])
        live.give_floor(meeting, cab.chair, request.id)
        live.finish_speaking(meeting, cab.chair, request.id)
    db.session.flush()

    open_poll = polls.open_poll(
        meeting,
        cab.chair,
        item=items[0],
        question="Thông qua dự án Luật Đất đai (sửa đổi)?",
        kind=PollKind.OPEN,
    )
    for n, member in enumerate(present):
        choice = "approve" if n < 18 else ("disapprove" if n < 21 else "abstain")
        polls.cast_vote(open_poll, member, choice, uuid.uuid4().hex)
    polls.close_poll(open_poll, cab.chair)

    secret_poll = polls.open_poll(
        meeting,
        cab.chair,
        item=items[1],
        question="Nghị định về quản lý nợ công?",
        kind=PollKind.SECRET,
    )
    for n, member in enumerate(present[:20]):
        polls.cast_vote(
            secret_poll, member, "approve" if n < 12 else "disapprove", uuid.uuid4().hex
        )
    polls.close_poll(secret_poll, cab.chair)
    live.close_session(meeting, cab.chair)
    db.session.flush()
    return SimpleNamespace(
        meeting=meeting,
        items=items,
        cab=cab,
        absent=absent,
        deputy=deputy,
        speakers=speakers,
        present=present,
    )


@pytest.fixture(autouse=True)
def manual_progress():
    """Vote progress is flushed by the test, not by a timer thread sharing the test's session."""
    progress_flusher.autostart = False
    progress_flusher._dirty.clear()
    yield progress_flusher
    progress_flusher._dirty.clear()
    progress_flusher.autostart = True


@pytest.fixture
def closed_session(db, make_cabinet):
    """A closed session of a 27-member cabinet with everything the minutes must show."""
    return hold_session(make_cabinet(27))


@pytest.fixture
def keystores(closed_session):
    """Keystores for the secretary, the chair and the organisation (the clerk's seal, Decree
    30), passphrases in PASSPHRASES."""
    cab = closed_session.cab
    issue_keystore(cab.secretariat, PASSPHRASES["secretary"])
    issue_keystore(cab.chair, PASSPHRASES["chair"])
    issue_organisation_keystore(
        demo_ca(), settings().keys_dir, passphrase=PASSPHRASES["organisation"], overwrite=True
    )
    return PASSPHRASES


@pytest.fixture
def secretary_first(app, monkeypatch):
    """The order some ministries keep: the decision is numbered, then secretary → chair."""
    config = dataclasses.replace(
        app.extensions["ecabinet.settings"], decision_signing_order="secretary_first"
    )
    monkeypatch.setitem(app.extensions, "ecabinet.settings", config)
    return config


def sign_decision_decree30(record, cab) -> None:
    """The Decree 30 order: the chair signs, then the office numbers and seals (the clerk is
    the secretariat person, with the organisation's passphrase)."""
    sign_record(record, cab.chair, PASSPHRASES["chair"])
    sign_record(record, cab.secretariat, PASSPHRASES["organisation"])


def fill_and_finalize(minutes, cab) -> None:
    """The secretariat writes summaries and conclusions, then finalizes."""
    changes = {
        "items.0.speakers.0.summary": SPEECHES[0],
        "items.0.speakers.1.summary": SPEECHES[1],
        "items.0.conclusion": "Chính phủ thống nhất thông qua dự án Luật; giao Bộ Tài nguyên và Môi trường tiếp thu, hoàn thiện.",
        "items.0.decision": "Thông qua dự án Luật Đất đai (sửa đổi) để trình Quốc hội.",
        "items.1.decision": "Thông qua Nghị định về quản lý nợ công.",
    }
    services.save_minutes(minutes, changes, version=minutes.version, actor=cab.secretariat)
    services.finalize_minutes(minutes, actor=cab.secretariat)
    # Committed (inside the test's outer transaction): an error response's rollback keeps it.
    db.session.commit()


__all__ = ["MeetingParticipant", "ParticipantRole"]
