"""Building a session's agenda as the secretariat does: items, then their papers as uploads."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO
from typing import Any

from werkzeug.datastructures import FileStorage

from cabinet.db import clock
from cabinet.users.models import User
from demo.clock import at
from demo.papers.pdf import PaperSpec, render_paper
from demo.people import People
from meetings import services as meetings
from meetings.models import Classification

PLACE = "Trụ sở Chính phủ, số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội"


def upload(spec: PaperSpec, issued: date, filename: str) -> FileStorage:
    """A paper as the browser would upload it."""
    return FileStorage(
        stream=BytesIO(render_paper(spec, issued)),
        filename=filename,
        content_type="application/pdf",
    )


def build_agenda(
    meeting: Any, agenda: list[Any], people: People, prep: date, secretary: User
) -> list[Any]:
    """Add the items and upload their papers (restricted ones with their named readers)."""
    items = []
    for n, (fields, papers) in enumerate(agenda):
        clock.set(at(prep, "09:30") + timedelta(minutes=12 * n))
        item = meetings.add_item(meeting, fields, actor=secretary)
        items.append(item)
        for spec, filename, readers in papers:
            clock.set(at(prep, "14:00") + timedelta(minutes=12 * n))
            meetings.add_paper(
                item,
                title=spec.title[:300],
                upload=upload(spec, prep - timedelta(days=3), filename),
                classification=Classification.RESTRICTED if readers else Classification.NORMAL,
                reader_ids=[people[r].id for r in readers or ()],
                actor=secretary,
            )
    return items
