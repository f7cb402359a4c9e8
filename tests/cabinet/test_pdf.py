"""PDF/A-3 rendering: identification, output intent, embedded fonts, attachments, locked fetcher."""

import json
import subprocess
import threading
import unicodedata
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from cabinet.pdf import (
    STATIC_ROOT,
    ForbiddenUrl,
    PdfAttachment,
    PdfRenderError,
    render_pdf,
    resolve_static_url,
)

from .test_signing_helpers import pdffonts_rows, xmp_pdfa_part

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
TITLE = "BIÊN BẢN PHIÊN HỌP CHÍNH PHỦ"
PHRASES = [
    TITLE,
    "Thủ tướng Phạm Minh Chính chủ trì phiên họp",
    "Bộ trưởng Bộ Tư pháp trình bày dự thảo Nghị định",
    "Tán thành: 20; không tán thành: 2; không biểu quyết: 1",
    "Chính phủ thống nhất thông qua",
]

MINUTES_HTML = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{TITLE}</title>
<style>
  @page {{ size: A4; margin: 20mm 20mm 20mm 30mm; }}
  body {{ font-size: 13pt; }}
  h1 {{ text-align: center; font-size: 14pt; font-weight: bold; }}
  table {{ border-collapse: collapse; width: 100%; }}
  td, th {{ border: 0.5pt solid black; padding: 2pt 4pt; }}
</style></head>
<body>
  <p style="text-align:center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>
     <b>Độc lập - Tự do - Hạnh phúc</b></p>
  <h1>{TITLE}</h1>
  <p>{PHRASES[1]}.</p>
  <ol><li>{PHRASES[2]}.</li></ol>
  <table><tr><th>Người phát biểu</th><th>Nội dung</th></tr>
    <tr><td>Bộ trưởng Bộ Tài chính</td><td><i>Đề nghị bổ sung đánh giá tác động.</i></td></tr>
  </table>
  <p>{PHRASES[3]}.</p>
  <p><b><i>{PHRASES[4]}.</i></b></p>
</body></html>"""

MINUTES_JSON = {"type": "minutes", "title": TITLE, "items": [{"no": 1, "outcome": "adopted"}]}
MINUTES_AKN = f"""<?xml version="1.0" encoding="UTF-8"?>
<akomaNtoso xmlns="{AKN_NS}"><debate name="minutes">
  <meta><identification source="#vpcp"/></meta>
  <preface><p>{TITLE}</p></preface>
  <debateBody><debateSection eId="dbsect_1"><heading>Mục 1</heading></debateSection></debateBody>
</debate></akomaNtoso>""".encode()


def _attachments():
    return [
        PdfAttachment(
            "bien-ban.json",
            json.dumps(MINUTES_JSON, ensure_ascii=False).encode(),
            "application/json",
            "Dữ liệu biên bản (JSON)",
            "Data",
        ),
        PdfAttachment(
            "bien-ban.akn.xml", MINUTES_AKN, "application/akn+xml", "Akoma Ntoso", "Alternative"
        ),
    ]


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory):
    data = render_pdf(MINUTES_HTML, attachments=_attachments(), title=TITLE)
    path = tmp_path_factory.mktemp("pdf") / "minutes.pdf"
    path.write_bytes(data)
    return path


def test_pdfa3_identification_in_xmp(pdf_path):
    assert xmp_pdfa_part(pdf_path.read_bytes()) == ("3", "B")


def test_output_intent_is_srgb_icc(pdf_path):
    catalog = PdfReader(pdf_path).trailer["/Root"]
    intents = catalog["/OutputIntents"]
    assert len(intents) == 1
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3
    assert profile.get_data()[36:40] == b"acsp"  # ICC signature


def test_every_font_embedded_and_the_record_serif_used(pdf_path):
    rows = pdffonts_rows(pdf_path)
    assert rows
    for row in rows:
        # columns from the right: object id, gen, uni, sub, emb
        assert row[-5] == "yes", row
    names = {row[0].split("+", 1)[1] for row in rows}
    assert names == {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
    }


def test_text_extracts_with_vietnamese_diacritics(pdf_path):
    output = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], check=True, capture_output=True
    )
    text = " ".join(unicodedata.normalize("NFC", output.stdout.decode()).split())
    for phrase in PHRASES:
        assert phrase in text
    assert "Độc lập - Tự do - Hạnh phúc" in text


def test_title_and_language_in_the_catalog(pdf_path):
    reader = PdfReader(pdf_path)
    assert reader.metadata.title == TITLE
    assert reader.trailer["/Root"]["/Lang"] == "vi"


def test_attachments_extract_parse_and_carry_relationship_and_mime(pdf_path):
    reader = PdfReader(pdf_path)
    files = {name: contents[0] for name, contents in reader.attachments.items()}
    assert json.loads(files["bien-ban.json"]) == MINUTES_JSON
    root = ET.fromstring(files["bien-ban.akn.xml"])
    assert root.tag == f"{{{AKN_NS}}}akomaNtoso"
    assert root[0].tag == f"{{{AKN_NS}}}debate"

    catalog = reader.trailer["/Root"]
    specs = {spec.get_object()["/UF"]: spec.get_object() for spec in catalog["/AF"]}
    assert specs["bien-ban.json"]["/AFRelationship"] == "/Data"
    assert specs["bien-ban.akn.xml"]["/AFRelationship"] == "/Alternative"
    assert specs["bien-ban.json"]["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"
    akn_stream = specs["bien-ban.akn.xml"]["/EF"]["/F"].get_object()
    assert akn_stream["/Subtype"] == "/application/akn+xml"
    assert specs["bien-ban.json"]["/Desc"] == "Dữ liệu biên bản (JSON)"


def test_attachment_rejects_unknown_relationship():
    with pytest.raises(ValueError, match="AFRelationship"):
        PdfAttachment("a.json", b"{}", "application/json", "x", "Source-ish")


@pytest.fixture
def http_server():
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize(
    "markup",
    [
        '<link rel="stylesheet" href="{base}/x.css">',
        '<img src="{base}/x.png">',
        "<style>@import url({base}/y.css);</style>",
        '<style>body {{ background: url("{base}/bg.png") }}</style>',
        '<object data="{base}/o.pdf"></object>',
    ],
)
def test_remote_urls_fail_the_render_without_a_request(http_server, markup):
    base, hits = http_server
    html = f"<p>Nội dung</p>{markup.format(base=base)}"
    with pytest.raises(PdfRenderError, match="not allowed"):
        render_pdf(html, title="x")
    assert hits == []


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file:///etc/passwd">',
        '<img src="../pyproject.toml">',
        '<img src="static:../pyproject.toml">',
        '<img src="/etc/hostname">',
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
        '<link rel="stylesheet" href="https://example.invalid/a.css">',
        "<style>@font-face {{ font-family: x; src: url(ftp://example.invalid/f.ttf) }}</style>"
        '<p style="font-family: x">x</p>',
    ],
)
def test_file_data_and_other_urls_fail_the_render(markup):
    with pytest.raises(PdfRenderError):
        render_pdf(f"<p>x</p>{markup.format()}", title="x")


def test_static_files_may_load_by_scheme_and_relative_url():
    html = """<style>
      @font-face { font-family: A; src: url(static:fonts/pdf/LiberationSerif-Bold.ttf) }
      @font-face { font-family: B; src: url(fonts/pdf/LiberationSerif-Italic.ttf) }
    </style><p style="font-family: A">Đậm</p><p style="font-family: B">Nghiêng</p>"""
    assert render_pdf(html, title="x").startswith(b"%PDF-1.7")


def test_symlink_out_of_static_is_refused(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (root / "ok.css").write_text("p {}")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "leak.css").symlink_to(tmp_path / "secret.txt")
    assert resolve_static_url("static:ok.css", root) == (root / "ok.css").resolve()
    with pytest.raises(ForbiddenUrl):
        resolve_static_url("static:leak.css", root)
    with pytest.raises(ForbiddenUrl):
        resolve_static_url((root / "leak.css").as_uri(), root)


def test_static_root_is_the_app_static_folder():
    assert (STATIC_ROOT / "fonts" / "pdf" / "LiberationSerif-Regular.ttf").is_file()
