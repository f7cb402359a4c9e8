"""Prepared motions over the API: who may write them, when, validation and the audit log;
a vote opened on a motion points at it and locks it."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from cabinet.audit.models import AuditEntry
from cabinet.db import db
from meetings.motions.models import Motion
from tests.voting.polls.helpers import build_session, check_in
from voting.polls import services as polls
from voting.polls.models import PollKind

TEXT = "Thông qua dự án Luật Đất đai (sửa đổi) để trình Quốc hội."


@pytest.fixture
def planned(db, make_cabinet):
    """A published meeting of a 5-member cabinet, not yet in session."""
    return build_session(make_cabinet(5, deputies=1), open_session=False)


def _post(client, item, **body):
    return client.post(f"/api/v1/items/{item.id}/motions", json=body)


def test_secretariat_prepares_a_motion_and_members_read_it(planned, client, login):
    item = planned.items[0]
    login(planned.cab.secretariat)
    response = _post(client, item, text=f"  {TEXT}  ")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["text"] == TEXT
    assert body["kind"] == "motion"
    assert body["label"] == "Dự thảo kết luận 1"
    assert body["vote"] is None
    second = _post(client, item, text="Giao Bộ Tài nguyên và Môi trường tiếp thu ý kiến.").json
    assert second["label"] == "Dự thảo kết luận 2"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "motion.added").order_by(AuditEntry.id)
    ).first()
    assert entry is not None and entry.data["text"] == TEXT

    login(planned.cab.members[2])
    listed = client.get(f"/api/v1/items/{item.id}/motions").json
    assert [m["label"] for m in listed["motions"]] == ["Dự thảo kết luận 1", "Dự thảo kết luận 2"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"text": "ab"}, "text"), ({}, "text"), ({"text": "x" * 2001}, "text"), ({"text": 5}, "text")],
)
def test_bad_input_is_a_clear_problem(planned, client, login, body, field):
    login(planned.cab.secretariat)
    response = _post(client, planned.items[0], **body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.json["fields"]


def test_members_and_the_chair_do_not_prepare_motions(planned, client, login):
    item = planned.items[0]
    login(planned.cab.members[2])
    assert _post(client, item, text=TEXT).status_code == 403
    login(planned.cab.chair)
    refused = _post(client, item, text=TEXT)
    assert refused.status_code == 403
    assert "Văn phòng Chính phủ" in refused.json["detail"]


def test_amendments_only_in_session_by_the_chair_or_secretariat(planned, client, login):
    item = planned.items[0]
    login(planned.cab.secretariat)
    motion = _post(client, item, text=TEXT).json
    login(planned.cab.chair)
    early = _post(client, item, text="Bổ sung thời hạn trình.", parent_id=motion["id"])
    assert early.status_code == 409
    assert early.json["code"] == "motion.not_in_session"

    from meetings.live import services as live

    live.open_session(planned.meeting, planned.cab.chair)
    db.session.flush()
    amendment = _post(client, item, text="Trình Quốc hội tại kỳ họp thứ 9.", parent_id=motion["id"])
    assert amendment.status_code == 201, amendment.json
    assert amendment.json["kind"] == "amendment"
    assert amendment.json["label"] == "Sửa đổi 1.1"
    nested = _post(client, item, text="Sửa đổi của sửa đổi.", parent_id=amendment.json["id"])
    assert nested.status_code == 409
    other_item = _post(client, planned.items[1], text="Sai mục.", parent_id=motion["id"])
    assert other_item.status_code == 404
    login(planned.cab.members[2])
    assert _post(client, item, text="Thành viên sửa.", parent_id=motion["id"]).status_code == 403
    listed = client.get(f"/api/v1/items/{item.id}/motions").json["motions"]
    assert [m["label"] for m in listed] == ["Dự thảo kết luận 1", "Sửa đổi 1.1"]


def test_a_vote_on_a_motion_points_at_it_and_locks_it(planned, client, login):
    from meetings.live import services as live

    cab, item = planned.cab, planned.items[0]
    login(cab.secretariat)
    motion_id = _post(client, item, text=TEXT).json["id"]
    live.open_session(planned.meeting, cab.chair)
    check_in(planned.meeting, cab.members)
    poll = polls.open_poll(
        planned.meeting,
        cab.chair,
        item=item,
        question=TEXT,
        kind=PollKind.OPEN,
        motion=db.session.get(Motion, motion_id),
    )
    for member in cab.members:
        polls.cast_vote(poll, member, "approve", uuid.uuid4().hex)
    polls.close_poll(poll, cab.chair)
    db.session.flush()
    assert poll.motion_id == motion_id

    listed = client.get(f"/api/v1/items/{item.id}/motions").json["motions"]
    assert listed[0]["vote"] == {"poll_id": poll.id, "state": "closed", "passed": True}
    wire = client.get(f"/api/v1/polls/{poll.id}").json["poll"]
    assert wire["motion_id"] == motion_id
    assert wire["motion_label"] == "Dự thảo kết luận 1"

    changed = client.patch(f"/api/v1/motions/{motion_id}", json={"text": "Viết lại."})
    assert changed.status_code == 409
    assert changed.json["code"] == "motion.voted"
    assert client.delete(f"/api/v1/motions/{motion_id}").status_code == 409


def test_a_motion_nobody_voted_on_may_be_reworded_and_removed(planned, client, login):
    item = planned.items[0]
    login(planned.cab.secretariat)
    motion_id = _post(client, item, text=TEXT).json["id"]
    changed = client.patch(f"/api/v1/motions/{motion_id}", json={"text": "Thông qua có sửa đổi."})
    assert changed.status_code == 200
    assert changed.json["text"] == "Thông qua có sửa đổi."
    assert client.delete(f"/api/v1/motions/{motion_id}").status_code == 204
    assert client.get(f"/api/v1/items/{item.id}/motions").json["motions"] == []
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"motion.added", "motion.updated", "motion.removed"} <= actions


def test_a_vote_cannot_name_a_motion_of_another_item(planned):
    from cabinet.errors import NotFound
    from meetings.live import services as live
    from meetings.motions import services as motions

    cab = planned.cab
    motion = motions.add_motion(planned.items[1], cab.secretariat, text=TEXT)
    live.open_session(planned.meeting, cab.chair)
    check_in(planned.meeting, cab.members)
    with pytest.raises(NotFound):
        polls.open_poll(
            planned.meeting,
            cab.chair,
            item=planned.items[0],
            question=TEXT,
            kind=PollKind.OPEN,
            motion=motion,
        )
