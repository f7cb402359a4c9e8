"""Upload checks, the content store, watermarks and file serving, on real files."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas

from cabinet.errors import ValidationFailed
from cabinet.storage import (
    ContentStore,
    UploadRejected,
    check_and_store,
    content_disposition,
    convert_to_pdf,
    sanitize_filename,
    send_stored,
    soffice_binary,
    store_pdf_rendition,
    watermarked_copy,
)
from cabinet.storage.watermark import FONT_CANDIDATES

MB = 1024 * 1024
READER = "Nguyễn Thị Ánh Tuyết"


@pytest.fixture
def store(tmp_path):
    return ContentStore(tmp_path / "files")


def stored_files(store: ContentStore) -> list[Path]:
    if not store.root.exists():
        return []
    return sorted(p for p in store.root.rglob("*") if p.is_file())


def pdf_bytes(pages: int = 1, text: str = "Tờ trình dự án Luật", **page_kw) -> bytes:
    buffer = io.BytesIO()
    writer = canvas.Canvas(buffer, pagesize=(595, 842))
    for number in range(1, pages + 1):
        writer.drawString(72, 760, f"{text} {number}".encode("ascii", "ignore").decode())
        writer.showPage()
    writer.save()
    return buffer.getvalue()


def encrypted_pdf_bytes() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt(user_password="", owner_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


MAIN_TYPES = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}

DOCX_BODY = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
)


def office_bytes(kind: str, *, content_type: str | None = None, text: str = "Dự thảo") -> bytes:
    part, suffix = MAIN_TYPES[kind]
    content_type = content_type or f"application/vnd.openxmlformats-officedocument.{suffix}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>',
        )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/officeDocument" Target="{part}"/></Relationships>',
        )
        package.writestr(part, DOCX_BODY.format(text=text) if kind == "docx" else "<x/>")
    return buffer.getvalue()


# -- accepted uploads ------------------------------------------------------------------------


def test_pdf_is_stored_by_sha256(store):
    data = pdf_bytes(pages=3)
    upload = check_and_store(io.BytesIO(data), "Tờ trình.pdf", store=store, max_bytes=5 * MB)

    sha = hashlib.sha256(data).hexdigest()
    assert upload.sha256 == sha
    assert upload.size == len(data)
    assert (upload.kind, upload.media_type, upload.page_count) == ("pdf", "application/pdf", 3)
    assert upload.display_name == "Tờ trình.pdf"
    assert stored_files(store) == [store.root / sha[:2] / sha[2:]]
    assert store.path_for(sha).read_bytes() == data


def test_same_bytes_are_stored_once(store):
    data = pdf_bytes()
    first = check_and_store(io.BytesIO(data), "a.pdf", store=store, max_bytes=MB)
    second = check_and_store(io.BytesIO(data), "b.pdf", store=store, max_bytes=MB)
    assert first.sha256 == second.sha256
    assert (first.display_name, second.display_name) == ("a.pdf", "b.pdf")
    assert len(stored_files(store)) == 1


@pytest.mark.parametrize("kind", ["docx", "xlsx", "pptx"])
def test_office_files_are_identified_by_their_main_part(store, kind):
    # The name says PDF; the content decides.
    upload = check_and_store(io.BytesIO(office_bytes(kind)), "ho-so.pdf", store=store, max_bytes=MB)
    assert upload.kind == kind
    assert upload.media_type.startswith("application/vnd.openxmlformats-officedocument.")
    assert upload.page_count is None
    assert upload.display_name == f"ho-so.{kind}"


def test_pdf_named_docx_gets_the_pdf_extension(store):
    upload = check_and_store(io.BytesIO(pdf_bytes()), "Báo cáo.docx", store=store, max_bytes=MB)
    assert upload.display_name == "Báo cáo.pdf"


# -- refused uploads -------------------------------------------------------------------------

REFUSALS = {
    "oversize": (lambda: pdf_bytes(pages=40), "to-trinh.pdf", {"max_bytes": 2000}, "too_large"),
    "renamed exe": (lambda: b"MZ\x90\x00" + os.urandom(4000), "bao-cao.pdf", {}, "bad_type"),
    "html as pdf": (lambda: b"<html><script>alert(1)</script>", "x.pdf", {}, "bad_type"),
    "old word file": (
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "a.doc",
        {},
        "bad_type",
    ),
    "zip without content types": (
        lambda: _zip({"word/document.xml": "<x/>"}),
        "a.docx",
        {},
        "bad_type",
    ),
    "content types naming a missing part": (
        lambda: _zip({"[Content_Types].xml": office_bytes_types("word/document.xml")}),
        "a.docx",
        {},
        "bad_type",
    ),
    "macro document": (
        lambda: office_bytes(
            "docx", content_type="application/vnd.ms-word.document.macroEnabled.main+xml"
        ),
        "a.docx",
        {},
        "bad_type",
    ),
    "kind not allowed here": (
        lambda: office_bytes("docx"),
        "a.docx",
        {"allowed": {"pdf"}},
        "bad_type",
    ),
    "broken pdf": (lambda: pdf_bytes()[:600], "a.pdf", {}, "broken_pdf"),
    "pdf header and garbage": (lambda: b"%PDF-1.7\n" + os.urandom(3000), "a.pdf", {}, "broken_pdf"),
    "encrypted pdf": (encrypted_pdf_bytes, "a.pdf", {}, "encrypted_pdf"),
    "empty": (lambda: b"", "a.pdf", {}, "empty"),
    "path traversal": (lambda: pdf_bytes(), "../../etc/cron.d/x.pdf", {}, "bad_name"),
    "windows path traversal": (lambda: pdf_bytes(), "..\\..\\boot.ini.pdf", {}, "bad_name"),
    "dot dot": (lambda: pdf_bytes(), "..", {}, "bad_name"),
    "control character": (lambda: pdf_bytes(), "a\x00b.pdf", {}, "bad_name"),
    "right-to-left override": (lambda: pdf_bytes(), "bao-cao\u202efdp.exe", {}, "bad_name"),
    "no name": (lambda: pdf_bytes(), "   ", {}, "bad_name"),
}


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, text in files.items():
            package.writestr(name, text)
    return buffer.getvalue()


def office_bytes_types(part: str) -> str:
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{part}" ContentType="{main}"/></Types>'
    )


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS.keys())
def test_refused_upload_says_why_and_stores_nothing(store, case):
    make, filename, options, reason = case
    options = {"max_bytes": 5 * MB, **options}
    with pytest.raises(UploadRejected) as caught:
        check_and_store(io.BytesIO(make()), filename, store=store, **options)

    error = caught.value
    assert isinstance(error, ValidationFailed)
    assert error.status == 422
    assert error.reason == reason
    assert error.code == f"upload.{reason}"
    message = str(error.message)
    assert len(message) > 10 and message.endswith(".")
    assert error.details["fields"] == {"file": [error.message]}
    assert error.to_dict()["reason"] == reason
    assert stored_files(store) == []


def test_size_limit_is_enforced_while_streaming(store):
    class Endless(io.RawIOBase):
        served = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"%" * len(buffer)
            self.served += len(buffer)
            return len(buffer)

    stream = Endless()
    with pytest.raises(UploadRejected) as caught:
        check_and_store(io.BufferedReader(stream), "a.pdf", store=store, max_bytes=3 * MB)
    assert caught.value.reason == "too_large"
    assert "3 MB" in str(caught.value.message)
    # The endless body was abandoned right after the limit, not read to the end.
    assert stream.served <= 5 * MB
    assert stored_files(store) == []


def test_messages_are_specific_per_reason(store, app):
    messages = set()
    with app.test_request_context(), force_locale("vi"):  # the person's language: Vietnamese
        for make, filename, options, _reason in REFUSALS.values():
            try:
                check_and_store(
                    io.BytesIO(make()), filename, store=store, **{"max_bytes": MB, **options}
                )
            except UploadRejected as error:
                messages.add((error.reason, str(error.message)))
    assert {reason for reason, _ in messages} == set(
        ("too_large", "bad_type", "broken_pdf", "encrypted_pdf", "empty", "bad_name")
    )
    assert "mật khẩu" in dict(messages)["encrypted_pdf"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Tờ trình số 12.pdf", "Tờ trình số 12.pdf"),
        # NFD (as macOS sends it) becomes NFC.
        ("Tơ\u0300 tri\u0300nh.pdf", "Tờ trình.pdf"),
        ('Phụ lục: "A" | B?.pdf', "Phụ lục_ _A_ _ B_.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("  spaced  .pdf ", "spaced.pdf"),
        ("a" * 400 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_sanitize_filename(given, expected):
    assert sanitize_filename(given) == expected


# -- conversion ------------------------------------------------------------------------------


def test_convert_returns_none_without_libreoffice(tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    source = tmp_path / "a.docx"
    source.write_bytes(office_bytes("docx"))
    assert soffice_binary() is None
    assert convert_to_pdf(source) is None


@pytest.mark.skipif(
    soffice_binary() is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed"
)
def test_convert_docx_to_pdf_with_libreoffice(store, tmp_path):
    upload = check_and_store(
        io.BytesIO(office_bytes("docx", text="Dự thảo Nghị định về Chính phủ số")),
        "du-thao.docx",
        store=store,
        max_bytes=MB,
    )
    # The stored file has no extension: the converter finds the kind from the content.
    pdf = convert_to_pdf(store.path_for(upload.sha256), outdir=tmp_path / "out", timeout=180)
    assert pdf is not None and pdf.parent == tmp_path / "out"
    with pdf.open("rb") as handle:
        converted = check_and_store(handle, "du-thao.pdf", store=store, max_bytes=5 * MB)
    assert converted.kind == "pdf" and converted.page_count == 1
    text = PdfReader(store.path_for(converted.sha256)).pages[0].extract_text()
    assert "Dự thảo Nghị định về Chính phủ số" in text


@pytest.mark.skipif(
    soffice_binary() is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed"
)
def test_pdf_rendition_of_an_office_upload(store):
    upload = check_and_store(
        io.BytesIO(office_bytes("docx", text="Phụ lục kèm theo")),
        "Phụ lục.docx",
        store=store,
        max_bytes=MB,
    )
    rendition = store_pdf_rendition(store, upload, max_bytes=5 * MB)
    assert rendition is not None
    assert (rendition.kind, rendition.display_name) == ("pdf", "Phụ lục.pdf")
    assert store.exists(upload.sha256) and store.exists(rendition.sha256)
    assert not list(store.tmp_dir.iterdir())


def test_pdf_rendition_is_none_without_libreoffice(store, tmp_path, monkeypatch):
    upload = check_and_store(io.BytesIO(office_bytes("xlsx")), "a.xlsx", store=store, max_bytes=MB)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert store_pdf_rendition(store, upload, max_bytes=MB) is None
    pdf = check_and_store(io.BytesIO(pdf_bytes()), "b.pdf", store=store, max_bytes=MB)
    assert store_pdf_rendition(store, pdf, max_bytes=MB) is pdf


# -- watermarks ------------------------------------------------------------------------------


def odd_pages_pdf() -> bytes:
    """A portrait page, a landscape page turned by /Rotate, and a page with a shifted crop box."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages=3))))
    writer.pages[1].rotate(90)
    writer.pages[2].cropbox.lower_left = (100, 100)
    writer.pages[2].cropbox.upper_right = (500, 700)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_watermarked_copy_names_the_reader_on_every_page(store):
    upload = check_and_store(io.BytesIO(odd_pages_pdf()), "mat.pdf", store=store, max_bytes=MB)
    text = f"{READER} · 26/11/2025 14:03 · Mật"
    copy = watermarked_copy(store, upload.sha256, 7, text)

    assert copy.parent == store.watermark_dir / upload.sha256[:2] / upload.sha256
    reader = PdfReader(copy)
    assert len(reader.pages) == 3
    for page in reader.pages:
        extracted = page.extract_text()
        assert READER in extracted, extracted
    # poppler reads the same text, diacritics included, from every page.
    poppler = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(copy), "-"], capture_output=True, check=True
    )
    assert poppler.stdout.decode().count(READER) >= 3
    # The original is untouched and still matches its hash.
    assert hashlib.sha256(store.path_for(upload.sha256).read_bytes()).hexdigest() == upload.sha256
    assert READER not in (PdfReader(store.path_for(upload.sha256)).pages[0].extract_text())


def test_watermark_font_is_embedded(store):
    upload = check_and_store(io.BytesIO(pdf_bytes()), "mat.pdf", store=store, max_bytes=MB)
    copy = watermarked_copy(store, upload.sha256, 1, READER)
    fonts = subprocess.run(
        ["pdffonts", str(copy)], capture_output=True, check=True, text=True
    ).stdout
    watermark_font = [
        line for line in fonts.splitlines() if "EcabinetWatermark" in line or "Noto" in line
    ]
    assert watermark_font and all(" yes " in line for line in watermark_font), fonts


def test_watermarked_copy_is_made_once_per_reader_and_version(store):
    upload = check_and_store(io.BytesIO(pdf_bytes(pages=2)), "mat.pdf", store=store, max_bytes=MB)
    first = watermarked_copy(store, upload.sha256, 7, f"{READER} 09:00")
    stamp = first.stat().st_mtime_ns
    again = watermarked_copy(store, upload.sha256, 7, f"{READER} 10:30")
    other = watermarked_copy(store, upload.sha256, 8, "Trần Văn Bình 10:31")

    assert again == first and first.stat().st_mtime_ns == stamp
    assert "09:00" in PdfReader(again).pages[0].extract_text()
    assert other != first and "Trần Văn Bình" in PdfReader(other).pages[1].extract_text()
    assert not list(first.parent.glob(".wm-*"))


def test_withdrawal_removes_every_watermarked_copy(store):
    upload = check_and_store(io.BytesIO(pdf_bytes()), "mat.pdf", store=store, max_bytes=MB)
    copies = [watermarked_copy(store, upload.sha256, reader, READER) for reader in (1, 2, 3)]
    assert store.delete_watermarks(upload.sha256) == 3
    assert not any(copy.exists() for copy in copies)
    assert store.exists(upload.sha256)
    assert store.delete_watermarks(upload.sha256) == 0


def test_watermark_refuses_a_hash_that_is_not_one(store):
    with pytest.raises(ValueError):
        watermarked_copy(store, "../../etc/passwd", 1, READER)


def test_a_font_with_vietnamese_glyphs_is_installed():
    assert any(Path(p).is_file() for p in FONT_CANDIDATES)


# -- serving ---------------------------------------------------------------------------------


@pytest.fixture
def served(store):
    data = pdf_bytes(pages=5)
    upload = check_and_store(io.BytesIO(data), "Tờ trình.pdf", store=store, max_bytes=MB)
    app = Flask(__name__)
    options = {"x_accel": False}

    @app.get("/paper")
    def paper():
        return send_stored(
            store.path_for(upload.sha256),
            download_name=upload.display_name,
            mimetype=upload.media_type,
            x_accel_root=store.root,
            **options,
        )

    return app.test_client(), data, upload, options


def fetch(client, url, **kw):
    """GET and close the response (closing the body closes the served file)."""
    with client.get(url, **kw) as response:
        response.get_data()
    return response


def test_serves_the_file_with_etag_and_private_caching(served):
    client, data, upload, _ = served
    response = fetch(client, "/paper")
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["ETag"] == f'"{upload.sha256}"'
    assert response.headers["Content-Length"] == str(len(data))
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert set(response.headers["Cache-Control"].replace(" ", "").split(",")) == {
        "private",
        "no-cache",
    }
    assert response.headers["Content-Disposition"] == (
        "inline; filename=\"To trinh.pdf\"; filename*=UTF-8''T%E1%BB%9D%20tr%C3%ACnh.pdf"
    )


def test_conditional_get_answers_304(served):
    client, _, upload, _ = served
    response = fetch(client, "/paper", headers={"If-None-Match": f'"{upload.sha256}"'})
    assert response.status_code == 304
    assert response.data == b""
    assert fetch(client, "/paper", headers={"If-None-Match": '"other"'}).status_code == 200


def test_range_requests_answer_206(served):
    client, data, upload, _ = served
    response = fetch(client, "/paper", headers={"Range": "bytes=100-299"})
    assert response.status_code == 206
    assert response.data == data[100:300]
    assert response.headers["Content-Range"] == f"bytes 100-299/{len(data)}"

    tail = fetch(client, "/paper", headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.data == data[-50:]

    # A Range for another version (If-Range with an old ETag) gets the whole new file.
    stale = fetch(client, "/paper", headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert stale.status_code == 200 and stale.data == data

    assert fetch(client, "/paper", headers={"Range": f"bytes={len(data) + 10}-"}).status_code == 416


def test_x_accel_hands_the_file_to_nginx(served):
    client, _, upload, options = served
    options["x_accel"] = True
    response = fetch(client, "/paper")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["X-Accel-Redirect"] == (
        f"/_protected/{upload.sha256[:2]}/{upload.sha256[2:]}"
    )
    assert response.headers["ETag"] == f'"{upload.sha256}"'
    assert "private" in response.headers["Cache-Control"]
    assert response.headers["Content-Type"] == "application/pdf"


def test_x_accel_needs_the_store_root(store, tmp_path):
    app = Flask(__name__)
    path = tmp_path / "f"
    path.write_bytes(b"x")
    with app.test_request_context("/"), pytest.raises(ValueError):
        send_stored(path, download_name="f", mimetype="application/pdf", x_accel=True)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("plain.pdf", 'inline; filename="plain.pdf"'),
        ('a"b.pdf', "inline; filename=\"ab.pdf\"; filename*=UTF-8''a%22b.pdf"),
    ],
)
def test_content_disposition(name, expected):
    assert content_disposition(name) == expected


@pytest.fixture
def nginx_front(store, tmp_path):
    """Debian nginx in front of a tiny app, with the X-Accel part of docs/nginx.conf.example."""
    import socket
    import threading
    import time
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    data = pdf_bytes(pages=4)
    upload = check_and_store(io.BytesIO(data), "Tờ trình.pdf", store=store, max_bytes=MB)
    app = Flask(__name__)

    @app.get("/paper")
    def paper():
        return send_stored(
            store.path_for(upload.sha256),
            download_name=upload.display_name,
            mimetype=upload.media_type,
            x_accel=True,
            x_accel_root=store.root,
        )

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    backend = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    example = (Path(__file__).parents[2] / "docs" / "nginx.conf.example").read_text()
    protected = example[example.index("    location /_protected/ {") :]
    protected = protected[: protected.index("}") + 1].replace(
        "/srv/ecabinet/instance/files/", f"{store.root}/"
    )
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    (prefix / "nginx.conf").write_text(
        f"""{"user root;" if os.geteuid() == 0 else ""}
        pid {prefix}/nginx.pid; error_log {prefix}/error.log;
        events {{}}
        http {{
          access_log off; client_body_temp_path {prefix}; proxy_temp_path {prefix};
          fastcgi_temp_path {prefix}; uwsgi_temp_path {prefix}; scgi_temp_path {prefix};
          server {{
            listen 127.0.0.1:{port};
            {protected}
            location / {{ proxy_pass http://127.0.0.1:{backend.server_port}; }}
          }}
        }}"""
    )
    nginx = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), 0.1).close()
                break
            except OSError:
                time.sleep(0.025)
        yield f"http://127.0.0.1:{port}", data, upload
    finally:
        nginx.terminate()
        nginx.wait(10)
        nginx.stderr.close()
        backend.shutdown()
        backend.server_close()


@pytest.mark.skipif(
    shutil.which("nginx") is None, reason="nginx (Debian nginx-light) is not installed"
)
def test_nginx_serves_the_x_accel_redirect(nginx_front):
    import urllib.error
    import urllib.request

    base, data, upload = nginx_front
    with urllib.request.urlopen(f"{base}/paper") as response:
        assert response.status == 200
        assert response.read() == data
        assert response.headers["Content-Type"] == "application/pdf"
        assert (
            "filename*=UTF-8''T%E1%BB%9D%20tr%C3%ACnh.pdf"
            in response.headers["Content-Disposition"]
        )
        assert "private" in response.headers["Cache-Control"]
        assert "X-Accel-Redirect" not in response.headers
    ranged = urllib.request.Request(f"{base}/paper", headers={"Range": "bytes=10-19"})
    with urllib.request.urlopen(ranged) as response:
        assert response.status == 206 and response.read() == data[10:20]
    # The store itself is never reachable by URL.
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{base}/_protected/{upload.sha256[:2]}/{upload.sha256[2:]}")
    assert caught.value.code == 404
    caught.value.close()
