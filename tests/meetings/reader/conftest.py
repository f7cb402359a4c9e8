"""Fixtures for the reader: real PDFs (WeasyPrint) uploaded through the meetings services."""

from __future__ import annotations

import io
from collections import namedtuple
from datetime import timedelta
from functools import lru_cache

import pytest
from weasyprint import HTML
from werkzeug.datastructures import FileStorage

from cabinet.db import utcnow
from meetings import services as meeting_services
from meetings.models import Classification, ItemKind
from meetings.papers import add_paper


@lru_cache(maxsize=64)
def make_pdf(title: str, pages: int = 3, word: str = "ngân sách") -> bytes:
    """A real PDF: `pages` pages of Vietnamese text, the word `word` on the last page."""
    body = "".join(
        f"<section style='break-after:page'><h1>{title}</h1><p>Trang {n} của tài liệu.</p>"
        + (f"<p>Dự toán {word} nhà nước năm 2025.</p>" if n == pages else "")
        + "</section>"
        for n in range(1, pages + 1)
    )
    return HTML(
        string=f"<html lang='vi'><body style='font-family:serif'>{body}</body></html>"
    ).write_pdf()


def upload(title: str, pages: int = 3, word: str = "ngân sách") -> FileStorage:
    """A PDF upload as the meetings views receive it."""
    return FileStorage(
        io.BytesIO(make_pdf(title, pages, word)),
        filename=f"{title}.pdf",
        content_type="application/pdf",
    )


ReaderWorld = namedtuple("ReaderWorld", "cabinet meeting items normal secret other outsider")


@pytest.fixture
def reader_world(app, db, make_cabinet, make_user):
    """A published meeting of a 5-member cabinet: two items, three normal papers and one
    restricted paper readable only by member 2; plus a user from outside the meeting."""
    return build_world(app, db, make_cabinet, make_user)


@pytest.fixture
def committed_world(app, committed_db, make_cabinet, make_user):
    """The same world, really committed (for the live server and background builds)."""
    return build_world(app, committed_db, make_cabinet, make_user)


def build_world(app, db, make_cabinet, make_user) -> ReaderWorld:
    """Create the reader's test meeting through the meetings services, then commit."""
    cabinet = make_cabinet(n=5, deputies=1)
    outsider = make_user(name="Người ngoài cuộc họp")
    sec = cabinet.secretariat
    with app.test_request_context():
        meeting = meeting_services.create_meeting(
            {
                "title": "Phiên họp Chính phủ thường kỳ tháng 3",
                "number": "03/PH",
                "starts_at": utcnow() + timedelta(days=5),
                "place": "Trụ sở Chính phủ, Hà Nội",
                "chair_id": cabinet.chair.id,
            },
            actor=sec,
        )
        first = meeting_services.add_item(
            meeting,
            {
                "title": "Dự thảo Nghị định về quản lý ngân sách",
                "kind": ItemKind.DECISION,
                "ministry": "Bộ Tài chính",
                "presenter": "Bộ trưởng Bộ Tài chính",
            },
            actor=sec,
        )
        second = meeting_services.add_item(
            meeting,
            {
                "title": "Báo cáo tình hình kinh tế - xã hội",
                "kind": ItemKind.INFORMATION,
                "ministry": "Bộ Kế hoạch và Đầu tư",
            },
            actor=sec,
        )
        normal = add_paper(
            first, title="Tờ trình Chính phủ", upload=upload("Tờ trình", 3), actor=sec
        )
        other = add_paper(first, title="Dự thảo Nghị định", upload=upload("Dự thảo", 2), actor=sec)
        secret = add_paper(
            first,
            title="Báo cáo đánh giá tác động (mật)",
            upload=upload("Báo cáo mật", 2),
            classification=Classification.RESTRICTED,
            reader_ids=[cabinet.members[1].id],
            actor=sec,
        )
        add_paper(
            second, title="Báo cáo kinh tế quý I", upload=upload("Báo cáo quý I", 4), actor=sec
        )
        meeting.publish()
        # Released into the test's outer transaction: an error page's rollback must not undo it.
        db.session.commit()
    return ReaderWorld(cabinet, meeting, [first, second], normal, secret, other, outsider)
