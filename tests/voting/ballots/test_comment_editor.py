"""Issue 16, finding 10: the ballot comment really supports the formatting it promises (bold,
italic, lists) through a small editor writing the server's whitelist; the member never sees raw
markup, and is told when the server had to remove something (a script, an image)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.a11y.test_axe import World, _connected
from tests.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot
from voting.ballots.comments import comment_lost_something


def _answer_other(page, question_id: int) -> None:
    page.locator(f"#question-{question_id} label:has(input[value=other])").click()


def test_bold_and_a_list_are_written_kept_and_shown_formatted(
    app, committed_db, make_cabinet, open_page
):
    world = World(app, make_cabinet(n=5, deputies=1))
    first, second = (q.id for q in world.ballot.questions)
    page = open_page(world.member, TABLET_LANDSCAPE, f"/ballots/{world.ballot.id}")
    _connected(page)
    _answer_other(page, first)
    page.locator(f"#question-{second} label:has(input[value=agree])").click()
    editor = page.locator(f'[data-comment-editor="{first}"]')
    editor.click()
    page.keyboard.type("Cần sửa ")
    page.locator(f"#question-{first}").get_by_role("button", name="In đậm").click()
    page.keyboard.type("điều 5")
    page.locator(f"#question-{first}").get_by_role("button", name="In đậm").click()
    page.keyboard.press("Enter")
    page.locator(f"#question-{first}").get_by_role("button", name="Danh sách", exact=True).click()
    page.keyboard.type("khoản 1")
    screenshot(page, "ballot-comment-editor-1024x768")
    page.get_by_role("button", name="Gửi ý kiến").click()
    expect(page.locator(".flash").first).to_contain_text("Đã gửi ý kiến")
    editor = page.locator(f'[data-comment-editor="{first}"]')
    expect(editor.locator("b, strong")).to_have_text("điều 5")
    expect(editor.locator("ul li")).to_have_text("khoản 1")
    assert "<b>" not in page.locator("main").inner_text()
    assert "<" not in editor.inner_text()
    expect(page.locator(".flash", has_text="loại bỏ")).to_have_count(0)
    page.set_viewport_size(TABLET_PORTRAIT)
    editor.scroll_into_view_if_needed()
    screenshot(page, "ballot-comment-editor-768x1024")


def test_what_the_server_removes_is_said_not_silently_dropped(
    app, committed_db, make_cabinet, open_page
):
    world = World(app, make_cabinet(n=5, deputies=1))
    first, second = (q.id for q in world.ballot.questions)
    page = open_page(world.member, TABLET_LANDSCAPE, f"/ballots/{world.ballot.id}")
    _connected(page)
    _answer_other(page, first)
    page.locator(f"#question-{second} label:has(input[value=agree])").click()
    # What a browser without the editor (or a crafted request) sends.
    page.evaluate(
        """(id) => {
          document.querySelector(`[data-comment-editor="${id}"]`).remove();
          const t = document.querySelector(`textarea[data-comment-for="${id}"]`);
          t.hidden = false;
          t.value = 'Ý kiến <b>rõ</b><script>alert(1)</script><img src="x">';
        }""",
        first,
    )
    page.get_by_role("button", name="Gửi ý kiến").click()
    expect(page.locator(".flash", has_text="loại bỏ")).to_be_visible()
    editor = page.locator(f'[data-comment-editor="{first}"]')
    expect(editor).to_have_text("Ý kiến rõ")
    expect(editor.locator("b")).to_have_text("rõ")


def test_what_counts_as_removed():
    assert not comment_lost_something("Ý kiến <b>đậm</b>, <i>nghiêng</i><ul><li>một</li></ul>")
    assert not comment_lost_something("<div>dòng</div><div><br></div>")
    assert comment_lost_something("a<script>alert(1)</script>")
    assert comment_lost_something('<img src="x">')
    assert comment_lost_something('<b style="color:red">x</b>')
    assert comment_lost_something('<a href="http://x">x</a>')
