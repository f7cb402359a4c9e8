"""Findings 6 and 7: conversion without network or outside files, and upload checks that
measure instead of trusting what a file declares."""

from __future__ import annotations

import io
import socket
import threading

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from cabinet.storage import ContentStore, check_and_store
from cabinet.storage.convert import convert_to_pdf, soffice_binary
from cabinet.storage.uploads import UploadRejected
from tests.cabinet.test_storage import pdf_bytes
from tests.security.docx_samples import (
    MACRO_MAIN,
    MAIN,
    docx_with_linked_image,
    lying_zip_bomb,
    plain_docx,
    png_bytes,
)

MB = 1024 * 1024
needs_soffice = pytest.mark.skipif(soffice_binary() is None, reason="LibreOffice not installed")


@pytest.fixture
def store(tmp_path):
    return ContentStore(tmp_path / "files")


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.received.append(conn.recv(4096) or b"<connected>")
                except OSError:
                    self.received.append(b"<connected>")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


@needs_soffice
def test_conversion_does_not_fetch_an_external_image(store, tmp_path):
    listener = Listener()
    try:
        source = tmp_path / "ssrf.docx"
        source.write_bytes(docx_with_linked_image(f"http://127.0.0.1:{listener.port}/leak.png"))
        pdf = convert_to_pdf(source, outdir=tmp_path / "out", timeout=120)
    finally:
        listener.close()
    assert listener.received == []
    assert pdf is not None  # the document itself still converts
    assert "Tờ trình có hình liên kết" in PdfReader(pdf).pages[0].extract_text()


@needs_soffice
def test_conversion_does_not_embed_a_local_file_image(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(png_bytes())
    source = tmp_path / "local.docx"
    source.write_bytes(docx_with_linked_image(secret.as_uri()))
    pdf = convert_to_pdf(source, outdir=tmp_path / "out", timeout=120)
    assert pdf is not None
    assert list(PdfReader(pdf).pages[0].images) == []


def test_a_docx_whose_declared_sizes_lie_is_refused(store):
    with pytest.raises(UploadRejected):
        check_and_store(io.BytesIO(lying_zip_bomb()), "bom.docx", store=store, max_bytes=MB)
    assert not any(p.is_file() for p in store.root.rglob("*")) if store.root.exists() else True


def test_a_package_inflating_past_the_cap_is_refused(store, monkeypatch):
    monkeypatch.setattr("cabinet.storage.package.MAX_UNZIPPED", 5 * MB)
    big = plain_docx(("/word/document.xml", MAIN), extra={"word/media/x.bin": b"\0" * (6 * MB)})
    with pytest.raises(UploadRejected) as refused:
        check_and_store(io.BytesIO(big), "lon.docx", store=store, max_bytes=MB)
    assert refused.value.reason == "too_large"


@pytest.mark.parametrize("macro_first", [True, False])
def test_macros_are_refused_whatever_the_part_order(store, macro_first):
    overrides = [("/word/document.xml", MAIN), ("/word/other.xml", MACRO_MAIN)]
    if macro_first:
        overrides.reverse()
    data = plain_docx(*overrides, extra={"word/other.xml": b"<x/>"})
    with pytest.raises(UploadRejected):
        check_and_store(io.BytesIO(data), "macro.docx", store=store, max_bytes=MB)


def test_a_vba_project_part_is_refused_even_without_a_macro_content_type(store):
    data = plain_docx(("/word/document.xml", MAIN), extra={"word/vbaProject.bin": b"\xd0\xcf"})
    with pytest.raises(UploadRejected):
        check_and_store(io.BytesIO(data), "macro.docx", store=store, max_bytes=MB)


def test_a_pdf_over_the_page_cap_is_refused(store):
    with pytest.raises(UploadRejected) as refused:
        check_and_store(
            io.BytesIO(pdf_bytes(pages=60)), "dai.pdf", store=store, max_bytes=MB, max_pages=50
        )
    assert refused.value.reason == "too_large"
    ok = check_and_store(
        io.BytesIO(pdf_bytes(pages=50)), "vua.pdf", store=store, max_bytes=MB, max_pages=50
    )
    assert ok.page_count == 50


def test_the_page_cap_is_a_setting_with_a_default_of_5000(app):
    assert app.extensions["ecabinet.settings"].pdf_max_pages == 5000


def test_a_lying_page_count_is_not_trusted(store):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages=60))))
    writer.root_object["/Pages"].get_object()[NameObject("/Count")] = NameObject("/1")
    data = io.BytesIO()
    writer.write(data)
    raw = data.getvalue().replace(b"/Count /1", b"/Count 1")
    with pytest.raises(UploadRejected):
        check_and_store(io.BytesIO(raw), "dai.pdf", store=store, max_bytes=MB, max_pages=50)


def _active_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages=2))))
    js = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('pwned');"),
        }
    )
    names = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("a"), writer._add_object(js)])}
            )
        }
    )
    writer.add_attachment("payload.exe", b"MZ-not-really")
    launch = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("cmd.exe"),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(launch)
    writer.root_object["/Names"].get_object()[NameObject("/JavaScript")] = names["/JavaScript"]
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("1"),
                }
            )
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_javascript_launch_actions_and_embedded_files_are_stripped(store):
    data = _active_pdf()
    assert b"/JavaScript" in data and b"/Launch" in data and b"/EmbeddedFile" in data
    upload = check_and_store(io.BytesIO(data), "hoat-dong.pdf", store=store, max_bytes=MB)
    kept = store.path_for(upload.sha256).read_bytes()
    for marker in (b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"app.alert", b"MZ-not-really"):
        assert marker not in kept, marker
    reader = PdfReader(io.BytesIO(kept))
    assert len(reader.pages) == 2 and upload.page_count == 2
    assert "/OpenAction" not in reader.trailer["/Root"]
