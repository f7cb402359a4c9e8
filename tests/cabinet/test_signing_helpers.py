"""Shared helpers for the signing tests: a sample record, poppler's pdfsig with an NSS trust store."""

import re
import subprocess
import xml.etree.ElementTree as ET
from io import BytesIO
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from pypdf import PdfReader

from cabinet.pdf import PdfAttachment, render_pdf
from cabinet.signing.sign import SignatureSlot

SECRETARY_BOX = (70.0, 60.0, 290.0, 130.0)
CHAIR_BOX = (320.0, 60.0, 540.0, 130.0)
CHAIR_SLOT = SignatureSlot("chair", 0, CHAIR_BOX)
PDFAID_NS = "http://www.aiim.org/pdfa/ns/id/"


def xmp_pdfa_part(data: bytes) -> tuple[str | None, str | None]:
    """(pdfaid:part, pdfaid:conformance) from the catalog's XMP metadata stream."""
    reader = PdfReader(BytesIO(data))
    root = ET.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    for element in root.iter():
        part = element.get(f"{{{PDFAID_NS}}}part")
        if part is not None:
            return part, element.get(f"{{{PDFAID_NS}}}conformance")
        if element.tag == f"{{{PDFAID_NS}}}part":
            conformance = root.find(f".//{{{PDFAID_NS}}}conformance")
            return element.text, conformance.text if conformance is not None else None
    return None, None


def pdffonts_rows(path) -> list[list[str]]:
    """The font table of ``pdffonts`` (poppler-utils), one split row per font."""
    output = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    return [line.split() for line in output.stdout.splitlines()[2:] if line.strip()]


def sample_record() -> bytes:
    """A one-page PDF/A-3 minutes document with its JSON twin attached."""
    html = """<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>
      <h1 style="text-align:center">BIÊN BẢN PHIÊN HỌP CHÍNH PHỦ</h1>
      <p>Phiên họp Chính phủ thường kỳ tháng 3 năm 2026.</p>
      <p>Chính phủ thống nhất thông qua dự thảo Nghị định.</p></body></html>"""
    twin = PdfAttachment(
        "bien-ban.json", b'{"type": "minutes"}', "application/json", "JSON", "Data"
    )
    return render_pdf(html, attachments=[twin], title="Biên bản phiên họp")


def nss_db_trusting(directory: Path, ca_cert) -> Path:
    """An NSS database (certutil) in which ``ca_cert`` is a trusted CA for e-mail/object signing."""
    directory.mkdir(parents=True, exist_ok=True)
    pem = directory / "ca.pem"
    pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    db = f"sql:{directory}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", db, "-n", "ecabinet-demo-ca", "-t", "CT,C,C", "-i", str(pem)],
        check=True,
    )
    return directory


def pdfsig(pdf_path: Path, nss_dir: Path) -> dict[str, dict[str, str]]:
    """Run poppler's pdfsig and parse its report per signature field.

    pdfsig exits 0 even when a signature is invalid, so only its text tells the verdict.
    No -no-ocsp: poppler 22.12 then reports "Unknown issue with Certificate" for any chain
    (our demo certificates carry no AIA, so no OCSP request is made anyway).
    """
    result = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss_dir}", str(pdf_path)],
        capture_output=True,
        text=True,
    )
    signatures: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in result.stdout.splitlines():
        if re.match(r"^Signature #\d+:", line):
            current = {}
            continue
        match = re.match(r"^\s+- ([^:]+): (.*)$", line)
        if current is not None and match:
            current[match[1]] = match[2].strip()
            if match[1] == "Signature Field Name":
                signatures[match[2].strip()] = current
    return signatures
