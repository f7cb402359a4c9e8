"""The reader page and private notes: who sees what, exports, audit without the text."""

from __future__ import annotations

import json

from sqlalchemy import select

from cabinet.audit.models import AuditEntry
from meetings.models import PaperRead


def test_reader_page_renders_for_a_member_and_marks_the_paper_read(reader_world, login, client, db):
    member = reader_world.cabinet.members[2]
    paper = reader_world.normal
    login(member)
    response = client.get(f"/papers/{paper.id}/read")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert paper.title in html
    assert "Phiên bản 1" in html
    assert f"/meetings/papers/{paper.id}/file?v=1" in html
    assert "vendor/pdfjs/pdf.worker.mjs" in html
    read = db.session.get(PaperRead, (paper.id, member.id))
    assert read is not None and read.version_number == 1


def test_reader_refuses_outsiders_and_non_readers(reader_world, user_client):
    world = reader_world
    assert user_client(world.outsider).get(f"/papers/{world.normal.id}/read").status_code == 404
    # A member of the meeting who is not named on the restricted paper.
    assert (
        user_client(world.cabinet.members[2]).get(f"/papers/{world.secret.id}/read").status_code
        == 403
    )
    assert user_client(world.cabinet.members[2]).get("/papers/999999/read").status_code == 404


def test_classified_paper_page_is_never_stored(reader_world, user_client):
    world = reader_world
    response = user_client(world.cabinet.members[1]).get(f"/papers/{world.secret.id}/read")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "Tài liệu mật không lưu ngoại tuyến" in response.get_data(as_text=True)


def test_withdrawn_paper_is_gone_for_members(reader_world, user_client, app):
    from meetings.papers import withdraw_paper

    world = reader_world
    with app.test_request_context():
        withdraw_paper(world.normal, actor=world.cabinet.secretariat)
    assert (
        user_client(world.cabinet.members[2]).get(f"/papers/{world.normal.id}/read").status_code
        == 410
    )


def test_notes_are_private_to_their_author(reader_world, user_client, db):
    world = reader_world
    author, other = world.cabinet.members[2], world.cabinet.members[3]
    paper = world.normal
    mine = user_client(author)
    created = mine.post(
        f"/api/v1/reader/papers/{paper.id}/notes", json={"page": 2, "text": "Xem lại số liệu"}
    )
    assert created.status_code == 201, created.get_json()
    note_id = created.get_json()["id"]
    assert created.get_json()["version"] == 1

    listed = mine.get(f"/api/v1/reader/papers/{paper.id}/notes").get_json()
    assert [n["text"] for n in listed["notes"]] == ["Xem lại số liệu"]

    for intruder in (other, world.cabinet.admin, world.cabinet.chair, world.cabinet.secretariat):
        c = user_client(intruder)
        assert c.patch(f"/api/v1/reader/notes/{note_id}", json={"text": "x"}).status_code == 404
        assert c.delete(f"/api/v1/reader/notes/{note_id}").status_code == 404
        seen = c.get(f"/api/v1/reader/papers/{paper.id}/notes")
        assert seen.status_code in (200, 404)
        if seen.status_code == 200:
            assert seen.get_json()["notes"] == []
        export = c.get("/api/v1/reader/notes/export").get_json()
        assert "Xem lại số liệu" not in json.dumps(export, ensure_ascii=False)
    # The admin's audit API does not carry the note's text either.
    texts = [json.dumps(e.data, ensure_ascii=False) for e in db.session.scalars(select(AuditEntry))]
    assert not any("Xem lại số liệu" in t for t in texts)


def test_note_on_an_unreadable_paper_is_404(reader_world, user_client):
    world = reader_world
    c = user_client(world.cabinet.members[2])
    response = c.post(
        f"/api/v1/reader/papers/{world.secret.id}/notes", json={"page": 1, "text": "a"}
    )
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert (
        user_client(world.outsider)
        .get(f"/api/v1/reader/papers/{world.normal.id}/notes")
        .status_code
        == 404
    )


def test_note_validation(reader_world, user_client):
    c = user_client(reader_world.cabinet.members[2])
    url = f"/api/v1/reader/papers/{reader_world.normal.id}/notes"
    assert c.post(url, json={"page": 0, "text": "a"}).status_code == 422
    assert c.post(url, json={"page": 1, "text": ""}).status_code == 422
    beyond = c.post(url, json={"page": 9, "text": "a"})  # the paper has 3 pages
    assert beyond.status_code == 422
    assert "page" in beyond.get_json()["fields"]


def test_edit_and_delete_own_note_audited_without_text(reader_world, user_client, db):
    author = reader_world.cabinet.members[2]
    c = user_client(author)
    note = c.post(
        f"/api/v1/reader/papers/{reader_world.normal.id}/notes",
        json={"page": 1, "text": "Bí mật riêng"},
    ).get_json()
    edited = c.patch(f"/api/v1/reader/notes/{note['id']}", json={"text": "Đã sửa"})
    assert edited.status_code == 200 and edited.get_json()["text"] == "Đã sửa"
    assert c.delete(f"/api/v1/reader/notes/{note['id']}").status_code == 204
    assert c.get(f"/api/v1/reader/papers/{reader_world.normal.id}/notes").get_json()["notes"] == []
    entries = list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(["note.created", "note.deleted"]))
        )
    )
    assert sorted(e.action for e in entries) == ["note.created", "note.deleted"]
    for entry in entries:
        assert entry.data == {"paper_id": reader_world.normal.id, "page": 1}
        assert entry.actor_id == author.id


def test_export_has_page_references(reader_world, user_client):
    c = user_client(reader_world.cabinet.members[2])
    paper = reader_world.normal
    url = f"/api/v1/reader/papers/{paper.id}/notes"
    c.post(url, json={"page": 3, "text": "Đề nghị làm rõ khoản 2"})
    c.post(url, json={"page": 1, "text": "Đồng ý với tờ trình"})

    md = c.get(f"{url}/export?format=md")
    assert md.status_code == 200
    assert md.mimetype == "text/markdown"
    body = md.get_data(as_text=True)
    assert body.startswith(f"# {paper.title}")
    assert "**Trang 1** (phiên bản 1): Đồng ý với tờ trình" in body
    assert "**Trang 3** (phiên bản 1): Đề nghị làm rõ khoản 2" in body
    assert body.index("Trang 1") < body.index("Trang 3")
    assert "attachment" in md.headers["Content-Disposition"]

    txt = c.get(f"{url}/export?format=txt").get_data(as_text=True)
    assert "Trang 3 (phiên bản 1): Đề nghị làm rõ khoản 2" in txt

    data = c.get(f"{url}/export?format=json").get_json()
    assert [(n["page"], n["page_label"]) for n in data["notes"]] == [(1, "Trang 1"), (3, "Trang 3")]

    everything = c.get("/api/v1/reader/notes/export").get_json()
    assert everything["papers"][0]["paper_title"] == paper.title
    assert everything["papers"][0]["meeting_title"] == reader_world.meeting.title
    assert [n["page"] for n in everything["papers"][0]["notes"]] == [1, 3]

    assert c.get(f"{url}/export?format=docx").status_code == 422


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response.headers["Cache-Control"]


def test_offline_manifest_lists_normal_papers_only(reader_world, user_client):
    world = reader_world
    manifest = (
        user_client(world.cabinet.members[1]).get("/api/v1/reader/offline-manifest").get_json()
    )
    urls = manifest["urls"]
    assert f"/meetings/{world.meeting.id}" in urls
    assert f"/meetings/papers/{world.normal.id}/file?v=1" in urls
    assert f"/papers/{world.normal.id}/read" in urls
    # Member 1 may read the restricted paper, but it is never cached offline.
    assert not any(f"/papers/{world.secret.id}/" in u for u in urls)
    assert {"paper_id": world.secret.id, "reason": "classified"} in manifest["excluded"]
    assert any(u.endswith("vendor/pdfjs/pdf.worker.mjs") for u in urls)

    outsider = user_client(world.outsider).get("/api/v1/reader/offline-manifest").get_json()
    assert not any(f"/meetings/{world.meeting.id}" == u for u in outsider["urls"])
    assert outsider["papers"] == []
