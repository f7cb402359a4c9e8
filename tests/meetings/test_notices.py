"""Issue 16, finding 13: publishing a meeting, moving it and changing its papers tell every
invitee by e-mail (real SMTP, aiosmtpd) and in the app; a notice never names a paper, so a member
who may not read a restricted paper learns nothing of it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from cabinet.mail import deliver_outbox
from meetings import services
from meetings.papers import add_paper
from tests.conftest import events_named, free_port
from tests.meetings.reader.conftest import upload
from tests.voting.ballots.conftest import SmtpSink

SECRET_TITLE = "Báo cáo đánh giá tác động (mật)"


@pytest.fixture
def smtp_server(app, monkeypatch) -> Iterator[SmtpSink]:
    """aiosmtpd on a free port, the app's SMTP settings pointing at it (as the ballots tests)."""
    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    config = app.extensions["ecabinet.settings"]
    changed = dataclasses.replace(
        config, smtp_host=sink.host, smtp_port=sink.port, smtp_starttls=False
    )
    monkeypatch.setitem(app.extensions, "ecabinet.settings", changed)
    try:
        yield sink
    finally:
        controller.stop()


def _meeting(cab, **kw):
    meeting = services.create_meeting(
        {
            "title": "Phiên họp Chính phủ thường kỳ tháng 3",
            "starts_at": kw.pop("starts_at"),
            "place": "Phòng họp Chính phủ",
            "chair_id": cab.chair.id,
            "invitee_ids": [cab.invitee.id],
        },
        actor=cab.secretariat,
    )
    item = services.add_item(
        meeting,
        {"title": "Dự án Luật", "kind": "decision", "planned_minutes": 30},
        actor=cab.secretariat,
    )
    return meeting, item


def test_publish_move_and_papers_tell_every_invitee(
    app, db, make_cabinet, smtp_server, socket_client
):
    cab = make_cabinet(n=3, deputies=0)
    member = cab.members[1]
    with app.test_request_context():
        meeting, item = _meeting(cab, starts_at=services.utcnow() + timedelta(days=7))
        db.session.flush()
        tablet = socket_client(member)
        services.publish_meeting(meeting, actor=cab.secretariat)
        db.session.commit()
    deliver_outbox()
    invited = sorted([*(m.email for m in cab.members), cab.invitee.email])
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == invited
    (mail,) = smtp_server.to(member.email)
    assert mail.subject == f"Giấy mời họp: {meeting.title}"
    assert f"/meetings/{meeting.id}" in mail.text and "Phòng họp Chính phủ" in mail.text
    assert any("Giấy mời họp" in n["message"] for n in events_named(tablet, "notification"))
    assert smtp_server.to(cab.secretariat.email) == []  # not invited: not told

    smtp_server.clear()
    with app.test_request_context():
        services.update_meeting(
            meeting, {"starts_at": meeting.starts_at + timedelta(days=1)}, actor=cab.secretariat
        )
        db.session.commit()
    deliver_outbox()
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == invited
    assert smtp_server.to(member.email)[0].subject.startswith("Thay đổi thời gian, địa điểm họp")

    smtp_server.clear()
    with app.test_request_context():
        add_paper(
            item,
            title=SECRET_TITLE,
            upload=upload("Báo cáo mật", 1),
            classification="restricted",
            reader_ids=[cab.chair.id],
            actor=cab.secretariat,
        )
        db.session.commit()
    deliver_outbox()
    told = smtp_server.to(member.email)
    assert len(told) == 1 and told[0].subject.startswith("Tài liệu phiên họp đã được cập nhật")
    assert f"/meetings/{meeting.id}" in told[0].text
    for mail in smtp_server.messages:  # nobody learns a paper's title from a notice
        assert SECRET_TITLE not in mail.text and SECRET_TITLE not in (mail.html or "")
    assert all(SECRET_TITLE not in n["message"] for n in events_named(tablet, "notification"))


def test_a_draft_tells_nobody(app, db, make_cabinet, smtp_server):
    cab = make_cabinet(n=3, deputies=0)
    with app.test_request_context():
        meeting, item = _meeting(cab, starts_at=services.utcnow() + timedelta(days=7))
        add_paper(item, title="Tờ trình", upload=upload("Tờ trình", 1), actor=cab.secretariat)
        services.update_meeting(meeting, {"place": "Hội trường"}, actor=cab.secretariat)
        db.session.commit()
    deliver_outbox()
    assert smtp_server.messages == []
