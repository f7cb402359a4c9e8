"""A member answers on a tablet; the secretariat's board shows the answer live."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy.exc import OperationalError

from cabinet.db import db as database
from tests.conftest import TABLET_PORTRAIT, screenshot
from voting.ballots import services, sockets


def test_member_answers_on_a_tablet_and_the_board_updates(
    committed_db, make_ballot, tablet_page, desktop_page
):
    cabinet, ballot = make_ballot(n=5, questions=2)
    member = cabinet.members[1]
    q1, q2 = ballot.questions

    board = desktop_page(cabinet.secretariat, f"/ballots/{ballot.id}/board")
    row = board.locator(f'tr[data-user-id="{member.id}"]')
    expect(row.locator('[data-cell="state"]')).to_contain_text("Chưa trả lời")
    expect(board.locator("#conn-pill")).to_have_attribute("data-state", "connected")

    page = tablet_page(member, "/ballots/")
    expect(page.locator("#open-ballots")).to_contain_text(ballot.title)
    screenshot(page, "ballots-list-tablet")
    page.get_by_role("link", name=re.compile(re.escape(ballot.title))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ballot.title)

    page.locator(f"#question-{q1.id}").get_by_role("radio", name="Đồng ý", exact=True).check()
    page.locator(f"#question-{q2.id}").get_by_role("radio", name="Không đồng ý", exact=True).check()
    page.get_by_role("button", name="Gửi ý kiến").click()

    comment = page.locator(f'textarea[name="q{q2.id}.comment"]')
    error = page.locator(f"#f-q{q2.id}-comment-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Hãy ghi rõ ý kiến khi chọn “Không đồng ý”")
    expect(comment).to_have_attribute("aria-invalid", "true")
    # The error is right under its own field, inside the same question.
    assert page.locator(f"#question-{q2.id} #f-q{q2.id}-comment-error").count() == 1
    assert page.locator(f"#f-q{q1.id}-comment-error").count() == 0
    expect(page.locator(f'#question-{q1.id} input[value="agree"]')).to_be_checked()
    screenshot(page, "ballot-answer-error-tablet")

    # The member writes in the comment editor that stands for the (hidden) textarea.
    page.locator(f'[data-comment-editor="{q2.id}"]').fill(
        "Không đồng ý: đề nghị làm rõ nguồn vốn đối ứng của địa phương."
    )
    page.get_by_role("button", name="Gửi ý kiến").click()
    expect(page.locator(".flash")).to_contain_text("Đã gửi ý kiến")
    screenshot(page, "ballot-answered-tablet")
    page.set_viewport_size(TABLET_PORTRAIT)
    screenshot(page, "ballot-answered-tablet-portrait")

    expect(row.locator('[data-cell="state"]')).to_contain_text("Đã trả lời")
    expect(board.locator("#count-answered [data-stat-value]")).to_contain_text("1")
    screenshot(board, "ballot-board-desktop")


def test_a_board_whose_join_failed_joins_again_and_reloads_when_the_ballot_closes(
    committed_db, make_ballot, desktop_page, monkeypatch
):
    """The board's first `ballot.join` meets a database blip (`unavailable`); the page joins
    again by itself, so the close (by the tick, at the deadline) still reloads it."""
    cabinet, ballot = make_ballot(n=3, questions=1)
    real_board, joins = sockets.board, []

    def board_after_a_blip(b):
        joins.append(b.id)
        if len(joins) == 1:
            raise OperationalError("SELECT ballots", {}, ConnectionError("database link cut"))
        return real_board(b)

    monkeypatch.setattr(sockets, "board", board_after_a_blip)
    page = desktop_page(cabinet.secretariat, f"/ballots/{ballot.id}/board")
    expect(page.locator("#conn-pill")).to_have_attribute("data-state", "connected")
    for _ in range(300):  # the second join, polled (15 s at most)
        if len(joins) > 1:
            break
        page.wait_for_timeout(50)
    assert len(joins) == 2, joins
    expect(page.get_by_role("link", name="Tổng hợp ý kiến")).to_have_count(0)

    services.close_ballot(ballot, by=None, now=ballot.deadline)
    database.session.commit()
    expect(page.locator(".btn-row").get_by_role("link", name="Tổng hợp ý kiến")).to_be_visible()
