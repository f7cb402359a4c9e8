"""Issue 16, finding 13: "remind all who have not answered" on the ballot board, through real
SMTP (aiosmtpd): one mail to each silent member, none to who answered or was just reminded."""

from __future__ import annotations

from voting.ballots.answers import AnswerInput, save_response


def test_remind_all_reaches_each_silent_member_once(
    db, smtp_server, make_ballot, login, client, tick
):
    cabinet, ballot = make_ballot(n=4)
    answered, just_reminded, *silent = cabinet.members
    save_response(
        ballot, answered, [AnswerInput(q.id, "agree") for q in ballot.questions], submit=True
    )
    login(cabinet.secretariat)
    assert client.post(f"/ballots/{ballot.id}/remind/{just_reminded.id}").status_code == 302
    tick()
    smtp_server.clear()

    board = client.get(f"/ballots/{ballot.id}/board").get_data(as_text=True)
    assert "Nhắc tất cả người chưa trả lời" in board
    page = client.post(f"/ballots/{ballot.id}/remind-all", follow_redirects=True)
    assert f"Đã gửi nhắc nhở tới {len(silent)} thành viên chưa trả lời." in page.get_data(
        as_text=True
    )
    tick()
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == sorted(m.email for m in silent)
    assert all(m.subject == f"Nhắc trả lời: {ballot.title}" for m in smtp_server.messages)

    smtp_server.clear()
    again = client.post(f"/ballots/{ballot.id}/remind-all", follow_redirects=True)
    assert "Không còn ai cần nhắc" in again.get_data(as_text=True)
    tick()
    assert smtp_server.messages == []
