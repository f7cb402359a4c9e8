"""Papers over HTTP: upload checks (nothing stored on refusal), versions, classification with
watermarked, audited reads, withdrawal."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from cabinet.audit.models import AuditEntry
from cabinet.db import db
from meetings.models import Paper, PaperRead, PaperVersion


def stored_files(app) -> set[Path]:
    """Every file in the content store (watermark cache and temp files included)."""
    root = app.extensions["ecabinet.settings"].storage_dir
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def fetch(client, url, **kw):
    """GET a file and close the streamed response (the file handle) at once."""
    response = client.get(url, **kw)
    response.get_data()
    response.close()
    return response


def post_paper(client, meeting, item, data: bytes, name="to-trinh.pdf", **form):
    return client.post(
        f"/api/v1/meetings/{meeting.id}/items/{item.id}/papers",
        data={"file": (io.BytesIO(data), name), **form},
        content_type="multipart/form-data",
    )


@pytest.fixture
def small_uploads(app, monkeypatch):
    """Uploads limited to 64 KB for this test (the app's settings object is frozen)."""
    small = dataclasses.replace(app.extensions["ecabinet.settings"], upload_max_bytes=64 * 1024)
    monkeypatch.setitem(app.extensions, "ecabinet.settings", small)
    return small


def _zip_exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 4000


REFUSALS = {
    "oversize": (
        lambda pdf: pdf("lớn", pages=1) + b"%" + b"0" * 70_000,
        "to-trinh.pdf",
        "upload.too_large",
        "giới hạn",
    ),
    "renamed_exe": (lambda pdf: _zip_exe(), "to-trinh.pdf", "upload.bad_type", "không phải PDF"),
    "broken_pdf": (
        lambda pdf: b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF garbage",
        "hong.pdf",
        "upload.broken_pdf",
        "Không mở được tệp PDF",
    ),
    "encrypted_pdf": (
        lambda pdf: pdf("mật", encrypt="secret"),
        "ma-hoa.pdf",
        "upload.encrypted_pdf",
        "mật khẩu",
    ),
    "path_traversal": (
        lambda pdf: pdf("đường dẫn"),
        "../../etc/cron.d/to-trinh.pdf",
        "upload.bad_name",
        "đường dẫn",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refused_upload_is_a_clear_error_and_nothing_is_stored(
    app, client, login, cabinet, make_meeting, pdf_bytes, small_uploads, case
):
    make_body, name, code, words = REFUSALS[case]
    meeting = make_meeting()
    item = meeting.items[0]
    login(cabinet.secretariat)
    before = stored_files(app)
    response = post_paper(client, meeting, item, make_body(pdf_bytes), name=name)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["code"] == code
    assert words in problem["detail"]
    assert problem["fields"]["file"]
    assert stored_files(app) == before
    assert db.session.scalar(select(func.count()).select_from(Paper)) == 0
    assert db.session.scalar(select(func.count()).select_from(PaperVersion)) == 0


def test_refused_upload_on_the_page_flashes_the_reason(client, login, cabinet, make_meeting):
    meeting = make_meeting()
    item = meeting.items[0]
    login(cabinet.secretariat)
    response = client.post(
        f"/meetings/items/{item.id}/papers",
        data={"file": (io.BytesIO(_zip_exe()), "bao-cao.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "không phải PDF" in response.get_data(as_text=True)


def test_upload_then_new_version_keeps_the_old_one_listed(
    app, client, login, cabinet, make_meeting, pdf_bytes
):
    meeting = make_meeting(state="published")
    item = meeting.items[0]
    member = cabinet.members[1]
    login(cabinet.secretariat)
    first = post_paper(
        client, meeting, item, pdf_bytes("Ban dau", pages=2), title="Tờ trình dự án luật"
    )
    assert first.status_code == 201, first.get_data(as_text=True)
    paper = first.get_json()
    assert paper["current"]["number"] == 1 and paper["current"]["page_count"] == 2
    assert paper["current"]["readable"] is True

    login(member)
    assert fetch(client, f"/meetings/papers/{paper['id']}/file").status_code == 200
    state = client.get(f"/api/v1/meetings/{meeting.id}").get_json()
    seen = state["items"][0]["papers"][0]
    assert seen["last_read"] == 1 and seen["updated_since_read"] is False

    login(cabinet.secretariat)
    second = client.post(
        f"/api/v1/meetings/{meeting.id}/papers/{paper['id']}/versions",
        data={"file": (io.BytesIO(pdf_bytes("Ban sua", pages=3)), "to-trinh-v2.pdf")},
        content_type="multipart/form-data",
    )
    assert second.status_code == 201
    assert [v["number"] for v in second.get_json()["versions"]] == [2, 1]

    login(member)
    state = client.get(f"/api/v1/meetings/{meeting.id}").get_json()
    seen = state["items"][0]["papers"][0]
    assert seen["current"]["number"] == 2
    assert seen["last_read"] == 1 and seen["updated_since_read"] is True
    page = client.get(f"/meetings/items/{item.id}").get_data(as_text=True)
    assert "cập nhật từ lần đọc trước" in page and "Bản 2" in page
    # The current version is served; the old one stays available by number.
    current = fetch(client, f"/meetings/papers/{paper['id']}/file")
    assert "Ban sua" in PdfReader(io.BytesIO(current.data)).pages[0].extract_text()
    old = fetch(client, f"/meetings/papers/{paper['id']}/file?v=1")
    assert "Ban dau" in PdfReader(io.BytesIO(old.data)).pages[0].extract_text()
    read = db.session.get(PaperRead, (paper["id"], member.id))
    assert read.version_number == 2


def test_serving_supports_etag_and_range(client, login, cabinet, make_meeting, pdf_bytes):
    meeting = make_meeting(state="published")
    login(cabinet.secretariat)
    paper = post_paper(client, meeting, meeting.items[0], pdf_bytes()).get_json()
    login(cabinet.members[1])
    url = f"/meetings/papers/{paper['id']}/file"
    full = fetch(client, url)
    assert full.status_code == 200 and full.headers["ETag"]
    assert fetch(client, url, headers={"If-None-Match": full.headers["ETag"]}).status_code == 304
    part = fetch(client, url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100


def _restricted(client, login, cabinet, meeting, pdf_bytes, readers):
    login(cabinet.secretariat)
    response = post_paper(
        client,
        meeting,
        meeting.items[0],
        pdf_bytes("Noi dung mat", pages=2),
        title="Phương án nhân sự",
        classification="restricted",
        reader_ids=",".join(str(u.id) for u in readers),
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_restricted_paper_is_watermarked_per_reader_and_each_read_audited(
    client, login, cabinet, make_meeting, pdf_bytes
):
    meeting = make_meeting(state="published")
    reader = cabinet.members[1]
    paper = _restricted(client, login, cabinet, meeting, pdf_bytes, [reader])
    login(reader)
    for _ in range(2):
        response = fetch(client, f"/meetings/papers/{paper['id']}/file")
        assert response.status_code == 200
        pages = PdfReader(io.BytesIO(response.data)).pages
        assert len(pages) == 2
        for page in pages:
            text = page.extract_text()
            assert reader.name in text and "Noi dung mat" in text
    reads = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "paper.read", AuditEntry.object_id == str(paper["id"])
        )
    ).all()
    assert len(reads) == 2
    assert {r.actor_id for r in reads} == {reader.id}
    # The original (not watermarked) is never handed to a reader.
    login(reader)
    assert fetch(client, f"/meetings/papers/{paper['id']}/file?original=1").status_code == 409


def test_member_not_on_the_readers_gets_403_and_does_not_see_it(
    client, login, cabinet, make_meeting, pdf_bytes
):
    meeting = make_meeting(state="published")
    paper = _restricted(client, login, cabinet, meeting, pdf_bytes, [cabinet.members[1]])
    outsider = cabinet.members[2]
    login(outsider)
    state = client.get(f"/api/v1/meetings/{meeting.id}").get_json()
    assert state["items"][0]["papers"] == []
    assert "Phương án nhân sự" not in client.get(f"/meetings/items/{meeting.items[0].id}").get_data(
        as_text=True
    )
    assert fetch(client, f"/meetings/papers/{paper['id']}/file").status_code == 403


def test_withdrawn_paper_is_no_longer_served(
    client, login, cabinet, make_meeting, pdf_bytes, socket_client
):
    meeting = make_meeting(state="published")
    login(cabinet.secretariat)
    paper = post_paper(client, meeting, meeting.items[0], pdf_bytes()).get_json()
    member = cabinet.members[1]
    tablet = socket_client(member)
    assert tablet.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)["ok"]
    tablet.get_received()
    response = client.post(f"/api/v1/meetings/{meeting.id}/papers/{paper['id']}/withdraw", json={})
    assert response.status_code == 200 and response.get_json()["withdrawn"] is True
    events = [m["args"][0] for m in tablet.get_received() if m["name"] == "paper.withdrawn"]
    for event in events:  # every broadcast carries the meeting's revision (docs/protocol.md)
        assert isinstance(event.pop("revision"), int)
    assert events == [
        {
            "meeting_id": meeting.id,
            "version": events[0]["version"],
            "item_id": meeting.items[0].id,
            "paper_id": paper["id"],
        }
    ]
    login(member)
    state = client.get(f"/api/v1/meetings/{meeting.id}").get_json()
    listed = state["items"][0]["papers"][0]
    assert listed["withdrawn"] is True and "links" not in listed
    gone = fetch(client, f"/meetings/papers/{paper['id']}/file")
    assert gone.status_code == 410


def test_office_upload_is_converted_or_labelled(client, login, cabinet, make_meeting, tmp_path):
    from cabinet.storage import soffice_binary

    docx = _docx(tmp_path)
    meeting = make_meeting()
    login(cabinet.secretariat)
    response = post_paper(client, meeting, meeting.items[0], docx, name="bao-cao.docx")
    assert response.status_code == 201, response.get_data(as_text=True)
    current = response.get_json()["current"]
    assert current["kind"] == "docx"
    assert current["readable"] is (soffice_binary() is not None)
    if current["readable"]:
        served = fetch(client, f"/meetings/papers/{response.get_json()['id']}/file")
        assert served.mimetype == "application/pdf"
        assert "Báo cáo tổng hợp" in PdfReader(io.BytesIO(served.data)).pages[0].extract_text()


def _docx(tmp_path) -> bytes:
    import zipfile

    path = tmp_path / "r.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Báo cáo tổng hợp</w:t></w:r></w:p></w:body></w:document>",
        )
    return path.read_bytes()


def test_first_reads_arriving_together_leave_one_read_record(
    client, login, cabinet, make_meeting, pdf_bytes, monkeypatch
):
    """Two first opens of a paper at once: the second insert loses the race, not the request."""
    from meetings.papers import record_read

    meeting = make_meeting(state="published")
    login(cabinet.secretariat)
    created = post_paper(client, meeting, meeting.items[0], pdf_bytes()).get_json()
    paper = db.session.get(Paper, created["id"])
    member = cabinet.members[1]
    # The other request already stored the first read, after this one looked and found none.
    db.session.add(PaperRead(paper_id=paper.id, user_id=member.id, version_number=1))
    db.session.flush()
    db.session.expunge_all()
    paper = db.session.get(Paper, created["id"])
    real_get = db.session.get
    looked = []

    def miss_once(model, key, **kw):
        if model is PaperRead and not looked:
            looked.append(key)
            return None
        return real_get(model, key, **kw)

    monkeypatch.setattr(db.session, "get", miss_once)
    record_read(paper, member, paper.current_version)
    db.session.commit()
    monkeypatch.undo()
    rows = db.session.scalars(select(PaperRead).where(PaperRead.paper_id == paper.id)).all()
    assert looked and len(rows) == 1 and rows[0].version_number == 1
