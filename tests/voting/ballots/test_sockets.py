"""Live: a member with the app open gets the new ballot; the secretariat's board updates."""

from __future__ import annotations

from tests.conftest import events_named
from voting.ballots import services


def test_a_member_with_the_app_open_receives_the_new_ballot_live(
    db, make_ballot, socket_client, user_client
):
    cabinet, ballot = make_ballot(send=False)
    services.submit_for_approval(ballot, by=cabinet.secretariat)
    db.session.commit()
    member = cabinet.members[2]
    outsider_socket = socket_client(cabinet.admin)
    member_socket = socket_client(member)
    assert member_socket.is_connected()
    member_socket.get_received()

    response = user_client(cabinet.chair).post(f"/ballots/{ballot.id}/approve")
    assert response.status_code == 302

    received = member_socket.get_received()
    (notice,) = [m["args"][0] for m in received if m["name"] == "ballot.sent"]
    (toast,) = [m["args"][0] for m in received if m["name"] == "notification"]
    assert ballot.title in toast["message"]
    assert notice["ballot_id"] == ballot.id and notice["title"] == ballot.title
    assert notice["votes"] is True and notice["url"] == f"/ballots/{ballot.id}"
    assert "tháng" in notice["deadline_text"]
    assert events_named(outsider_socket, "ballot.sent") == []


def test_the_board_updates_live_when_a_member_answers(db, make_ballot, socket_client, user_client):
    cabinet, ballot = make_ballot(n=4)
    board = socket_client(cabinet.secretariat)
    ack = board.emit("ballot.join", {"ballot_id": ballot.id}, callback=True)
    assert ack["ok"] is True
    assert ack["board"]["counts"] == {"answered": 0, "saved": 0, "pending": 4, "overdue": 0}
    board.get_received()

    member = cabinet.members[1]
    q1, q2 = ballot.questions
    response = user_client(member).put(
        f"/api/v1/ballots/{ballot.id}/response",
        json={
            "submit": True,
            "answers": [
                {"question_id": q1.id, "choice": "agree"},
                {"question_id": q2.id, "choice": "disagree", "comment": "Chưa đủ cơ sở pháp lý."},
            ],
        },
    )
    assert response.status_code == 200

    (update,) = events_named(board, "ballot.answered")
    assert update["ballot_id"] == ballot.id
    assert update["row"]["user_id"] == member.id and update["row"]["state"] == "answered"
    assert update["row"]["choices"] == {str(q1.id): "agree", str(q2.id): "disagree"}
    assert update["counts"]["answered"] == 1 and update["counts"]["pending"] == 3


def test_only_the_secretariat_may_follow_a_board(db, make_ballot, socket_client):
    cabinet, ballot = make_ballot(n=3)
    member = socket_client(cabinet.members[1])
    ack = member.emit("ballot.join", {"ballot_id": ballot.id}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    bad = member.emit("ballot.join", {"ballot_id": "x"}, callback=True)
    assert bad["ok"] is False and bad["error"]["code"] == "validation_failed"


def test_closing_is_announced_to_the_board(db, make_ballot, socket_client):
    cabinet, ballot = make_ballot(n=2)
    board = socket_client(cabinet.secretariat)
    board.emit("ballot.join", {"ballot_id": ballot.id}, callback=True)
    board.get_received()
    services.close_ballot(ballot, by=None, now=ballot.deadline)
    db.session.commit()
    (closed,) = events_named(board, "ballot.closed")
    assert closed["ballot_id"] == ballot.id and closed["status"] == "closed"
