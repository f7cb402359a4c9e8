"""The pages render for the people who use them and refuse the others."""

from __future__ import annotations

import io

from cabinet.db import db
from meetings import services


def test_secretariat_pages_render(client, login, cabinet, make_meeting, pdf_bytes):
    meeting = make_meeting(items=2)
    item = meeting.items[0]
    services.add_paper(
        item,
        title="Tờ trình",
        upload=_upload(pdf_bytes()),
        actor=cabinet.secretariat,
    )
    db.session.flush()
    login(cabinet.secretariat)
    for url in (
        "/meetings/",
        "/meetings/new",
        f"/meetings/{meeting.id}/manage",
        f"/meetings/{meeting.id}/edit",
        f"/meetings/{meeting.id}/items/new",
        f"/meetings/items/{item.id}",
        f"/meetings/items/{item.id}/edit",
        f"/meetings/{meeting.id}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/meetings/items/{item.id}").get_data(as_text=True)
    assert "Tờ trình" in page and "Bản 1" in page


def test_member_sees_published_meeting_not_draft(client, login, cabinet, make_meeting):
    make_meeting(title="Dự thảo chưa công bố")
    published = make_meeting(title="Phiên đã công bố", state="published")
    member = cabinet.members[2]
    login(member)
    home = client.get("/meetings/my").get_data(as_text=True)
    assert "Phiên đã công bố" in home and "Dự thảo chưa công bố" not in home
    assert client.get(f"/meetings/{published.id}").status_code == 200
    # An error rolls the request's session back (and with it this test's data): check last.
    assert client.get(f"/meetings/{published.id}/manage").status_code == 403


def test_member_cannot_open_a_draft(client, login, cabinet, make_meeting):
    draft = make_meeting(title="Dự thảo chưa công bố")
    login(cabinet.members[2])
    assert client.get(f"/meetings/{draft.id}").status_code == 403


def _upload(data: bytes, name: str = "to-trinh.pdf"):
    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(data), filename=name)
