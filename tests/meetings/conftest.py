"""Factories for meetings tests: meetings with agendas, PDFs with known text, uploads."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest

from cabinet.db import utcnow
from meetings import services
from meetings.models import Meeting


def make_pdf(text: str = "Tài liệu phiên họp", pages: int = 1, encrypt: str | None = None) -> bytes:
    """A real PDF with `text` on each page (optionally password-protected)."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    for n in range(1, pages + 1):
        pdf.drawString(72, 760, f"{text} - page {n}")
        pdf.showPage()
    pdf.save()
    if not encrypt:
        return buf.getvalue()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    writer.encrypt(encrypt)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def pdf_bytes() -> Any:
    """`pdf_bytes(text, pages=1, encrypt=None)`."""
    return make_pdf


@pytest.fixture
def cabinet(db, make_cabinet):
    """A small cabinet (5 members incl. the chair) with secretariat, admin, deputies, invitee."""
    return make_cabinet(n=5, deputies=1)


@pytest.fixture
def make_meeting(db, cabinet) -> Any:
    """`make_meeting(items=2, state="draft", days_ahead=10, **fields)`: a meeting with an agenda."""

    def make(items: int = 2, state: str = "draft", days_ahead: int = 10, **fields: Any) -> Meeting:
        data = {
            "title": "Phiên họp Chính phủ thường kỳ tháng 12",
            "number": "12/2025",
            "starts_at": utcnow() + timedelta(days=days_ahead),
            "place": "Phòng họp Chính phủ",
            "chair_id": cabinet.chair.id,
            **fields,
        }
        meeting = services.create_meeting(data, actor=cabinet.secretariat)
        for n in range(1, items + 1):
            services.add_item(
                meeting,
                {"title": f"Nội dung {n}", "ministry": "Bộ Tư pháp", "planned_minutes": 20},
                actor=cabinet.secretariat,
            )
        if state != "draft":
            services.publish_meeting(meeting, actor=cabinet.secretariat)
        if state in ("in_session", "closed", "archived"):
            services.change_state(meeting, "in_session", actor=cabinet.secretariat)
        if state in ("closed", "archived"):
            services.change_state(meeting, "closed", actor=cabinet.secretariat)
        if state == "archived":
            services.change_state(meeting, "archived", actor=cabinet.secretariat)
        db.session.flush()
        return meeting

    return make
