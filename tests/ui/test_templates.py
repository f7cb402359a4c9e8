"""The shared layout, macros and error pages as HTML (no browser)."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string
from flask_babel import force_locale

from cabinet.users.models import Role


def render(source: str, **context) -> str:
    return render_template_string(source, **context)


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/"):
        yield


def test_field_links_its_error_and_help(request_ctx):
    html = render(
        '{% from "_macros.html" import field %}'
        '{{ field("comment", "Ý kiến", errors={"comment": ["Cần nhập ý kiến."]}, help="Tối đa 2000 ký tự", required=True, type="textarea") }}'
    )
    control = re.search(r"<textarea[^>]*>", html).group(0)
    assert 'id="f-comment"' in control
    assert 'aria-invalid="true"' in control
    assert 'aria-describedby="f-comment-help f-comment-error"' in control
    assert " required" in control
    assert re.search(r'id="f-comment-error"[^>]*>.*Cần nhập ý kiến\.', html, re.S)
    assert '<label class="field__label" for="f-comment">' in html


def test_field_without_errors_is_not_marked_invalid(request_ctx):
    html = render(
        '{% from "_macros.html" import field %}{{ field("email", "E-mail", type="email", value="a@b.vn", errors={"other": ["x"]}) }}'
    )
    control = re.search(r"<input[^>]*>", html).group(0)
    assert "aria-invalid" not in control and "aria-describedby" not in control
    assert 'type="email"' in control and 'value="a@b.vn"' in control


def test_select_marks_the_current_option(request_ctx):
    html = render(
        '{% from "_macros.html" import field %}'
        '{{ field("kind", "Loại", type="select", value="urgent", options=[("regular", "Thường kỳ"), ("urgent", "Bất thường")]) }}'
    )
    assert '<option value="urgent" selected>Bất thường</option>' in html
    assert '<option value="regular">' in html


@pytest.mark.parametrize(
    ("state", "kind", "vi", "en"),
    [
        ("in_session", "live", "Đang họp", "In session"),
        ("passed", "ok", "Thông qua", "Passed"),
        ("overdue", "bad", "Quá hạn", "Overdue"),
        ("restricted", "warn", "Mật", "Restricted"),
    ],
)
def test_badge_has_text_and_colour_in_both_languages(request_ctx, state, kind, vi, en):
    source = '{% from "_macros.html" import badge %}{{ badge(state) }}'
    html = render(source, state=state)
    assert f"badge--{kind}" in html and f'data-state="{state}"' in html
    assert re.sub(r"<[^>]+>", "", html).strip() == vi
    with force_locale("en"):
        english = re.sub(r"<[^>]+>", "", render(source, state=state)).strip()
    # Feature catalogs may word a shared term their own way ("Approved"); it must be English.
    assert english == en or (english != vi and english.isascii())


def test_unknown_badge_state_shows_its_raw_value(request_ctx):
    html = render('{% from "_macros.html" import badge %}{{ badge("mystery") }}')
    assert "badge--neutral" in html and ">mystery</span>" in html


def test_confirm_dialog_posts_with_csrf(request_ctx):
    html = render(
        '{% from "_macros.html" import confirm_dialog, button %}'
        '{{ button("Rút", kind="danger", dialog="withdraw-1") }}'
        '{{ confirm_dialog("withdraw-1", "Rút tài liệu?", "Không thể hoàn tác.", action="/papers/1/withdraw", confirm_label="Rút") }}'
    )
    assert 'data-dialog-open="withdraw-1"' in html and 'type="button"' in html
    assert '<dialog class="dialog" id="withdraw-1" aria-labelledby="withdraw-1-title">' in html
    assert 'method="post" action="/papers/1/withdraw"' in html
    assert 'name="csrf_token"' in html


def test_stacked_table_headers(request_ctx):
    html = render(
        '{% from "_macros.html" import data_table %}'
        '{% call data_table(["Họ tên", ("Số phiếu", "num"), ("", "actions")]) %}<tr><td>A</td><td class="num">1</td><td></td></tr>{% endcall %}'
    )
    assert 'class="table table--stack' in html
    assert '<th scope="col" class="num">Số phiếu</th>' in html
    assert '<span class="visually-hidden">' in html  # the unlabeled actions column still has a name


def test_stat_shows_value_over_total(request_ctx):
    html = render(
        '{% from "_macros.html" import stat %}{{ stat("Có mặt", 18, total=27, note="Đủ túc số", kind="ok") }}'
    )
    assert "stat--ok" in html
    assert re.search(r"data-stat-value>18 <small>/ 27</small>", html)


def test_signed_in_layout_shows_person_roles_and_guarded_nav(app, db, client, make_user):
    user = make_user(roles=[Role.SECRETARIAT], name="Nguyễn Thị Hương")
    from tests.conftest import sign_in

    sign_in(client, user)
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', html)
    assert "Nguyễn Thị Hương" in html and "Văn phòng Chính phủ" in html
    assert 'id="conn-pill"' in html and 'data-state="connecting"' in html
    assert 'class="skip-link" href="#main"' in html
    assert 'action="/sign-out"' in html
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    # Only endpoints that exist are linked, and the admin link is not shown to the secretariat.
    urls = app.url_map.bind("localhost")
    links = re.findall(r'class="site-nav__link" href="([^"]+)"', nav)
    assert links
    for href in links:
        endpoint, _args = urls.match(href, method="GET")
        assert endpoint in app.view_functions
    assert "/admin" not in nav


def test_anonymous_layout_has_no_nav_or_socket(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert 'class="site-nav"' not in html and "conn-pill" not in html and "data-user-id" not in html


def test_sign_in_button_is_the_first_submit_and_the_language_switch_follows(client, db):
    html = client.get("/sign-in").get_data(as_text=True)
    submits = re.findall(r'<button[^>]*type="submit"[^>]*>.*?</button>', html, re.S)
    assert "Đăng nhập" in submits[0]
    header = re.search(r'<header class="site-header".*?</header>', html, re.S).group(0)
    assert "/locale" not in header
    switch = re.search(r'<form method="post" action="/locale".*?</form>', html, re.S).group(0)
    assert 'name="locale" value="en"' in switch and "English" in switch
    assert html.index('action="/sign-in"') < html.index('action="/locale"')
    client.post("/locale", data={"locale": "en", "next": "/sign-in"})
    html = client.get("/sign-in").get_data(as_text=True)
    assert 'name="locale" value="vi"' in html and "Tiếng Việt" in html


def test_not_found_page_uses_the_layout(client, db):
    response = client.get("/khong-co-trang-nay")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in html and 'class="error-page"' in html and "site-header" in html


def test_forbidden_page_for_a_wrong_role(app, db, client, make_user):
    from tests.conftest import sign_in

    sign_in(client, make_user(roles=[Role.MEMBER]))
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.get_data(as_text=True)


def test_server_error_page_needs_neither_user_nor_database(app):
    with app.test_request_context("/"):
        html = render('{% include "errors/error.html" %}', status=500)
    assert "Lỗi hệ thống" in html and "site-nav" not in html and "csrf-token" not in html
