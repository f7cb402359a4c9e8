"""Issue 16, "the state is always true": an open session can be suspended ("tạm dừng") by the
chair or the secretariat, and resumed. While suspended nobody asks to speak, no floor is given,
no vote opens (the server refuses, with the code `session.suspended`); a session with an open
vote is not suspended; reconnecting tablets get the suspension in their snapshot, every tablet
hears of it with the meeting's revision, and the audit log keeps it."""

from __future__ import annotations

from sqlalchemy import select

from cabinet.audit.models import AuditEntry
from cabinet.db import db
from meetings.live import services as live
from tests.conftest import events_named
from tests.voting.polls.helpers import check_in

QUESTION = "Thông qua dự án Luật?"


def _vote(chair, meeting, item):
    return chair.emit(
        "vote.open",
        {"meeting_id": meeting.id, "item_id": item.id, "question": QUESTION},
        callback=True,
    )


def test_the_chair_suspends_and_everyone_hears_it_with_the_revision(session, join):
    meeting, cab = session.meeting, session.cab
    chair, _ = join(cab.chair, meeting)
    tablet, _ = join(cab.members[3], meeting)
    before = meeting.revision

    ack = chair.emit(
        "session.suspend", {"meeting_id": meeting.id, "reason": "Giải lao 15 phút"}, callback=True
    )
    assert ack["ok"], ack
    assert ack["state"] == "in_session" and ack["suspended"]["reason"] == "Giải lao 15 phút"
    # (in the meeting's room and, for "My meetings", in the member's own room)
    event = events_named(tablet, "meeting.state_changed")[0]
    assert event["phase"] == "suspended" and event["suspended"]["reason"] == "Giải lao 15 phút"
    assert event["revision"] > before

    # A tablet that reconnects gets the suspension in its snapshot; the timer stands still.
    _, again = join(cab.members[4], meeting)
    state = again["state"]["live"]
    assert state["in_session"] is True and state["suspended"]["reason"] == "Giải lao 15 phút"
    assert state["current_item"]["running_since"] is None

    # The chair may move to another item meanwhile: its clock waits for the resumption.
    moved = chair.emit(
        "session.set_current_item",
        {"meeting_id": meeting.id, "item_id": session.items[1].id},
        callback=True,
    )
    assert moved["ok"] and moved["current_item"]["running_since"] is None, moved

    ack = chair.emit("session.resume", {"meeting_id": meeting.id}, callback=True)
    assert ack["ok"] and ack["suspended"] is None, ack
    event = events_named(tablet, "meeting.state_changed")[0]
    assert event["phase"] == "in_session" and event["suspended"] is None
    _, again = join(cab.members[4], meeting)
    assert again["state"]["live"]["suspended"] is None
    assert again["state"]["live"]["current_item"]["running_since"] is not None

    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.like("meeting.session_%"))
        .order_by(AuditEntry.id)
    ).all()
    assert actions[-2:] == ["meeting.session_suspended", "meeting.session_resumed"]


def test_while_suspended_no_speaking_request_no_floor_no_vote(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    chair, _ = join(cab.chair, meeting)
    member, _ = join(cab.members[5], meeting)
    item = session.items[0]
    waiting = member.emit(
        "speaking.request", {"meeting_id": meeting.id, "item_id": item.id}, callback=True
    )["request"]
    assert chair.emit("session.suspend", {"meeting_id": meeting.id}, callback=True)["ok"]

    refused = member.emit(
        "speaking.request", {"meeting_id": meeting.id, "item_id": item.id}, callback=True
    )
    assert not refused["ok"] and refused["error"]["code"] == "session.suspended"
    assert "tạm dừng" in refused["error"]["message"]
    refused = chair.emit(
        "speaking.give_floor",
        {"meeting_id": meeting.id, "request_id": waiting["id"]},
        callback=True,
    )
    assert refused["error"]["code"] == "session.suspended"
    refused = _vote(chair, meeting, item)
    assert refused["error"]["code"] == "session.suspended"
    twice = chair.emit("session.suspend", {"meeting_id": meeting.id}, callback=True)
    assert twice["error"]["code"] == "session.suspended"

    assert chair.emit("session.resume", {"meeting_id": meeting.id}, callback=True)["ok"]
    assert _vote(chair, meeting, item)["ok"]


def test_a_session_with_an_open_vote_is_not_suspended(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    chair, _ = join(cab.chair, meeting)
    assert _vote(chair, meeting, session.items[0])["ok"]
    refused = chair.emit("session.suspend", {"meeting_id": meeting.id}, callback=True)
    assert not refused["ok"] and refused["error"]["code"] == "invalid_state"
    assert "kết thúc biểu quyết trước khi tạm dừng" in refused["error"]["message"]
    assert meeting.suspended_at is None


def test_only_who_conducts_suspends_and_a_closed_session_is_not_suspended(session, join):
    meeting, cab = session.meeting, session.cab
    member, _ = join(cab.members[2], meeting)
    refused = member.emit("session.suspend", {"meeting_id": meeting.id}, callback=True)
    assert not refused["ok"] and refused["error"]["code"] == "forbidden"
    clerk, _ = join(cab.secretariat, meeting)
    assert clerk.emit("session.suspend", {"meeting_id": meeting.id}, callback=True)["ok"]
    too_long = clerk.emit(
        "session.suspend", {"meeting_id": meeting.id, "reason": "x" * 301}, callback=True
    )
    assert not too_long["ok"]

    # A suspended session may be closed; afterwards it is neither suspended nor resumable.
    live.close_session(meeting, cab.chair)
    assert meeting.phase == "closed" and meeting.suspended_at is None
    refused = clerk.emit("session.resume", {"meeting_id": meeting.id}, callback=True)
    assert refused["error"]["code"] == "session.not_open"


def test_the_secretariat_suspends_and_resumes_from_the_meeting_page(session, user_client):
    meeting, cab = session.meeting, session.cab
    db.session.commit()
    clerk = user_client(cab.secretariat)
    page = clerk.get(f"/meetings/{meeting.id}/manage").get_data(as_text=True)
    assert "Tạm dừng họp" in page and "Tạm dừng phiên họp? Cho đến khi tiếp tục" in page

    done = clerk.post(
        f"/meetings/{meeting.id}/live/suspend", data={"reason": "Giải lao"}, follow_redirects=True
    )
    html = done.get_data(as_text=True)
    assert "Đã tạm dừng phiên họp." in html and "Tiếp tục họp" in html
    db.session.expire_all()
    assert meeting.phase == "suspended" and meeting.suspension_reason == "Giải lao"
    assert 'data-meeting-state><span class="badge badge--warn' in html.replace("\n", "")

    done = clerk.post(f"/meetings/{meeting.id}/live/resume", follow_redirects=True)
    assert "Đã tiếp tục phiên họp." in done.get_data(as_text=True)
    db.session.expire_all()
    assert meeting.phase == "in_session"
    # A member may not.
    assert (
        user_client(cab.members[1]).post(f"/meetings/{meeting.id}/live/suspend").status_code == 403
    )


def test_the_meeting_page_says_why_a_session_with_an_open_vote_is_not_suspended(
    session, join, user_client
):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    chair, _ = join(cab.chair, meeting)
    assert _vote(chair, meeting, session.items[0])["ok"]
    db.session.commit()
    refused = user_client(cab.secretariat).post(
        f"/meetings/{meeting.id}/live/suspend", follow_redirects=True
    )
    assert "hãy kết thúc biểu quyết trước khi tạm dừng" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert meeting.suspended_at is None
