"""The board pack: bookmarks per item and per paper, classified papers left out, the cache."""

from __future__ import annotations

import io
import time

from pypdf import PdfReader
from sqlalchemy import func, select

from cabinet.db import db
from meetings.reader import services
from meetings.reader.models import BoardPack
from tests.conftest import events_named

from .conftest import upload


def outline_of(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 0-based page) of every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(entries, depth):
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                found.append((depth, entry.title, reader.get_destination_page_number(entry)))

    walk(reader.outline, 0)
    return found


def open_pack(pack: BoardPack) -> PdfReader:
    return PdfReader(services.content_store().path_for(pack.sha256))


def test_bookmarks_per_item_and_per_paper(app, reader_world):
    world = reader_world
    reader_member = world.cabinet.members[1]  # may read the restricted paper too
    with app.test_request_context():
        pack, hit = services.build_board_pack(world.meeting, reader_member)
    assert not hit
    pdf = open_pack(pack)
    outline = outline_of(pdf)
    titles = [(depth, title) for depth, title, _ in outline]
    assert titles == [
        (0, "Trang bìa"),
        (0, "Chương trình phiên họp"),
        (0, "1. Dự thảo Nghị định về quản lý ngân sách"),
        (1, "Tờ trình Chính phủ (phiên bản 1)"),
        (1, "Dự thảo Nghị định (phiên bản 1)"),
        (0, "2. Báo cáo tình hình kinh tế - xã hội"),
        (1, "Báo cáo kinh tế quý I (phiên bản 1)"),
    ]
    pages = {title: page for _, title, page in outline}
    # Cover, agenda, divider 1, then 3 + 2 pages of papers, divider 2, then 4 pages.
    assert pages["Tờ trình Chính phủ (phiên bản 1)"] == 3
    assert pages["Dự thảo Nghị định (phiên bản 1)"] == 6
    assert pages["2. Báo cáo tình hình kinh tế - xã hội"] == 8
    assert len(pdf.pages) == pack.page_count == 13
    # The bookmarked pages really are the papers' first pages.
    assert "Tờ trình" in pdf.pages[3].extract_text()
    assert "Báo cáo quý I" in pdf.pages[9].extract_text()
    # The restricted paper is listed (to read separately), never included.
    agenda = " ".join(pdf.pages[1].extract_text().split())
    assert "Báo cáo đánh giá tác động (mật)" in agenda
    assert "tài liệu mật — xem riêng" in agenda
    assert "Tờ trình Chính phủ — trang 4" in agenda  # the pack's page, printed in the agenda
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Báo cáo mật" not in text  # the restricted paper's own content
    assert "PHIÊN HỌP" in pdf.pages[0].extract_text()


def test_second_build_is_a_cache_hit_and_members_share_it(app, reader_world, db):
    world = reader_world
    a, b = world.cabinet.members[2], world.cabinet.members[3]
    with app.test_request_context():
        first, hit1 = services.build_board_pack(world.meeting, a)
        again, hit2 = services.build_board_pack(world.meeting, a)
        shared, hit3 = services.build_board_pack(world.meeting, b)
    assert (hit1, hit2, hit3) == (False, True, True)
    assert first.id == again.id == shared.id
    # The member named on the restricted paper gets a different listing, hence another pack.
    with app.test_request_context():
        other, hit4 = services.build_board_pack(world.meeting, world.cabinet.members[1])
    assert not hit4 and other.key != first.key
    assert db.session.scalar(select(func.count()).select_from(BoardPack)) == 2


def test_new_version_or_withdrawal_makes_a_new_pack(app, reader_world):
    from meetings.papers import add_version, withdraw_paper

    world = reader_world
    member = world.cabinet.members[2]
    sec = world.cabinet.secretariat
    with app.test_request_context():
        before, _ = services.build_board_pack(world.meeting, member)
        add_version(world.other, upload("Dự thảo sửa đổi", 5), actor=sec)
        after, hit = services.build_board_pack(world.meeting, member)
        assert not hit and after.key != before.key
        titles = [t for _, t, _ in outline_of(open_pack(after))]
        assert "Dự thảo Nghị định (phiên bản 2)" in titles
        withdraw_paper(world.normal, actor=sec)
        final, hit = services.build_board_pack(world.meeting, member)
    assert not hit
    titles = [t for _, t, _ in outline_of(open_pack(final))]
    assert "Tờ trình Chính phủ (phiên bản 1)" not in titles


def test_pack_download_and_status_api(app, reader_world, user_client):
    world = reader_world
    member = world.cabinet.members[2]
    c = user_client(member)
    url = f"/api/v1/reader/meetings/{world.meeting.id}/boardpack"
    assert c.get(url).get_json()["status"] == "absent"
    missing = c.get(f"/meetings/{world.meeting.id}/board-pack.pdf")
    assert missing.status_code == 404
    with app.test_request_context():
        services.build_board_pack(world.meeting, member)
    status = c.post(url)
    assert status.status_code == 200
    body = status.get_json()
    assert body["status"] == "ready" and body["paper_count"] == 3 and body["page_count"] == 13
    response = c.get(body["url"])
    try:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert len(PdfReader(io.BytesIO(response.get_data())).pages) == 13
    finally:
        response.close()
    # People outside the meeting learn nothing.
    outsider = user_client(world.outsider)
    assert outsider.get(url).status_code == 404
    assert outsider.post(url).status_code == 404
    assert outsider.get(f"/meetings/{world.meeting.id}/board-pack.pdf").status_code == 404


def test_background_build_reports_progress_to_the_user(
    app, committed_world, socket_client, user_client
):
    world = committed_world
    member = world.cabinet.members[3]
    sio = socket_client(member)
    started = user_client(member).post(f"/api/v1/reader/meetings/{world.meeting.id}/boardpack")
    assert started.status_code == 202
    assert started.get_json()["status"] == "building"
    received: list[dict] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch = sio.get_received()
        received += batch
        if any(m["name"] in ("boardpack.ready", "boardpack.failed") for m in batch):
            break
        time.sleep(0.05)
    names = [m["name"] for m in received]
    assert "boardpack.failed" not in names
    progress = [m["args"][0]["percent"] for m in received if m["name"] == "boardpack.progress"]
    assert progress and progress == sorted(progress) and progress[-1] == 100
    ready = [m["args"][0] for m in received if m["name"] == "boardpack.ready"]
    assert ready and ready[0]["url"].endswith(f"/meetings/{world.meeting.id}/board-pack.pdf")
    assert events_named(sio, "boardpack.ready") == []  # consumed above
    # The test thread's session predates the background commit: start a fresh transaction.
    db.session.remove()
    status = (
        user_client(member).get(f"/api/v1/reader/meetings/{world.meeting.id}/boardpack").get_json()
    )
    assert status["status"] == "ready"


def test_meeting_tools_partial_has_the_pack_progress_bar(app, reader_world):
    from flask import render_template

    with app.test_request_context():
        html = render_template("reader/_meeting_tools.html", meeting=reader_world.meeting)
    assert f"/api/v1/reader/meetings/{reader_world.meeting.id}/boardpack" in html
    assert '<progress id="pack-progress-' in html
    assert "Tài liệu mật không lưu ngoại tuyến" in html
    assert "js/reader/meeting-tools.js" in html
