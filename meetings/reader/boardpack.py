"""The board pack: one PDF per meeting with a cover, the agenda and each item's papers.

The front matter (cover, agenda, one divider page per item) is rendered once with WeasyPrint;
the papers are appended with pypdf and the outline is rebuilt: one bookmark per item, one per
paper under it. A pack depends only on its *plan* (what it contains), so the plan's hash is the
cache key: two members who may read the same papers share one stored file, and a new paper
version, a withdrawal or an agenda edit (which bumps ``meeting.version``) makes a new key.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from flask import render_template
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from cabinet.dates import decree30_date, vn_time
from cabinet.pdf import BASE_URL, StaticOnlyFetcher, render_pdf
from meetings.models import Classification

#: Bump when the layout changes so old cached packs are not served for the new layout.
LAYOUT_VERSION = 2

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class PlannedPaper:
    """A paper as it appears in the pack: appended (``sha``) or only listed (``note``)."""

    paper_id: int
    title: str
    classification: str
    version_number: int | None
    sha: str | None
    page_count: int | None
    #: Why the paper is listed but not included: "classified" or "download_only".
    note: str | None = None


@dataclass(frozen=True, slots=True)
class PlannedItem:
    """An agenda item of the pack with the papers the reader may see."""

    item_id: int
    number: int
    title: str
    kind: str
    ministry: str
    presenter: str
    planned_minutes: int
    papers: tuple[PlannedPaper, ...] = ()

    @property
    def included(self) -> tuple[PlannedPaper, ...]:
        """The papers whose PDF is appended to the pack."""
        return tuple(p for p in self.papers if p.sha is not None)


@dataclass(frozen=True, slots=True)
class PackPlan:
    """Everything a board pack contains; its hash is the cache key."""

    meeting_id: int
    meeting_version: int
    title: str
    number: str
    kind: str
    starts_at: str
    place: str
    chair: str
    items: tuple[PlannedItem, ...] = field(default=())

    def key(self) -> str:
        """sha256 of the canonical plan: the sorted included version shas, the meeting version,
        and what is shown around them (titles, listed papers, layout)."""
        body = asdict(self)
        body["layout"] = LAYOUT_VERSION
        body["included_shas"] = sorted(p.sha for i in self.items for p in i.included)
        raw = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def paper_count(self) -> int:
        """Number of papers appended to the pack."""
        return sum(len(i.included) for i in self.items)


def plan_for(meeting, user) -> PackPlan:
    """The pack `user` may receive: items they can read, normal papers appended, classified
    papers they may see listed as "read separately", withdrawn papers left out."""
    items = []
    for number, item in enumerate(meeting.items, start=1):
        if not item.can_read(user):
            continue
        papers = []
        for paper in item.papers:
            if paper.is_withdrawn or not paper.can_see(user):
                continue
            version = paper.current_version
            if version is None:
                continue
            classified = Classification(paper.classification) != Classification.NORMAL
            readable = version.pdf_sha256 is not None
            papers.append(
                PlannedPaper(
                    paper_id=paper.id,
                    title=paper.title,
                    classification=str(paper.classification),
                    version_number=version.number,
                    sha=version.pdf_sha256 if readable and not classified else None,
                    page_count=version.page_count,
                    note="classified" if classified else (None if readable else "download_only"),
                )
            )
        items.append(
            PlannedItem(
                item_id=item.id,
                number=number,
                title=item.title,
                kind=str(item.kind),
                ministry=item.ministry or "",
                presenter=item.presenter or "",
                planned_minutes=item.planned_minutes or 0,
                papers=tuple(papers),
            )
        )
    return PackPlan(
        meeting_id=meeting.id,
        meeting_version=meeting.version,
        title=meeting.title,
        number=meeting.number or "",
        kind=str(meeting.kind),
        starts_at=meeting.starts_at.isoformat(),
        place=meeting.place or "",
        chair=meeting.chair.name if meeting.chair is not None else "",
        items=tuple(items),
    )


def _front_html(plan: PackPlan, start_pages: dict[int, int] | None) -> str:
    starts = datetime.fromisoformat(plan.starts_at)
    return render_template(
        "reader/boardpack.html",
        plan=plan,
        when=f"{vn_time(starts)}, {decree30_date(starts)}",
        start_pages=start_pages or {},
    )


def render_front(plan: PackPlan, *, start_pages: dict[int, int] | None = None) -> bytes:
    """Cover, agenda and one divider page per item as a PDF (WeasyPrint, Vietnamese fonts)."""
    html = _front_html(plan, start_pages)
    return render_pdf(html, title=f"Tài liệu phiên họp — {plan.title}", lang="vi")


def front_layout(plan: PackPlan) -> dict[str, int]:
    """Page index of each anchor of the front matter, from a layout pass (no PDF written)."""
    html = _front_html(plan, None)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    return {name: index for index, page in enumerate(document.pages) for name in page.anchors}


def _destination_pages(reader: PdfReader) -> dict[str, int]:
    """Page index of each named destination (the ``id`` attributes WeasyPrint exports)."""
    return {
        str(name): reader.get_destination_page_number(dest)
        for name, dest in reader.named_destinations.items()
    }


def assemble(
    plan: PackPlan,
    front: bytes,
    open_paper: Callable[[str], object],
    out,
    *,
    progress: Progress | None = None,
) -> int:
    """Append each included paper after its item's divider, write the outline, return the
    page count. `open_paper(sha)` returns a path or binary stream of that stored PDF."""
    report = progress or (lambda percent: None)
    front_reader = PdfReader(io.BytesIO(front))
    dests = _destination_pages(front_reader)
    writer = PdfWriter()
    # The divider pages are interleaved with the papers, so the front is copied in slices.
    first_divider = min(
        (dests[f"item-{i.item_id}"] for i in plan.items if f"item-{i.item_id}" in dests),
        default=len(front_reader.pages),
    )
    writer.append(front_reader, pages=(0, first_divider), import_outline=False)
    writer.add_outline_item(title="Trang bìa", page_number=0)
    if "agenda" in dests:
        writer.add_outline_item(title="Chương trình phiên họp", page_number=dests["agenda"])
    total = max(plan.paper_count, 1)
    done = 0
    for index, item in enumerate(plan.items):
        start = dests.get(f"item-{item.item_id}")
        if start is None:
            continue
        following = [dests.get(f"item-{n.item_id}") for n in plan.items[index + 1 :]]
        end = next((p for p in following if p is not None), len(front_reader.pages))
        item_page = len(writer.pages)
        writer.append(front_reader, pages=(start, end), import_outline=False)
        parent = writer.add_outline_item(
            title=f"{item.number}. {item.title}", page_number=item_page
        )
        for paper in item.papers:
            if paper.sha is None:
                continue
            paper_page = len(writer.pages)
            writer.append(open_paper(paper.sha), import_outline=False)
            writer.add_outline_item(
                title=f"{paper.title} (phiên bản {paper.version_number})",
                page_number=paper_page,
                parent=parent,
            )
            done += 1
            report(10 + int(80 * done / total))
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": f"Tài liệu phiên họp — {plan.title}", "/Creator": "e-Cabinet"})
    writer.write(out)
    return len(writer.pages)


def paper_start_pages(
    plan: PackPlan, dests: dict[str, int], page_counts: dict[str, int]
) -> dict[int, int]:
    """1-based page of each included paper in the final pack (for the agenda's page column)."""
    pages: dict[int, int] = {}
    offset = 0
    for item in plan.items:
        start = dests.get(f"item-{item.item_id}")
        if start is None:
            continue
        position = start + offset + 1  # the divider page itself
        for paper in item.included:
            pages[paper.paper_id] = position + 1
            position += page_counts[paper.sha]
            offset += page_counts[paper.sha]
    return pages


def build_pack_file(
    plan: PackPlan,
    open_paper: Callable[[str], object],
    out,
    *,
    progress: Progress | None = None,
) -> int:
    """Lay out the front matter (the agenda lists each paper's page in the pack), render it,
    and assemble the pack into `out`; returns the page count."""
    report = progress or (lambda percent: None)
    report(1)
    counts = {}
    for item in plan.items:
        for paper in item.included:
            if paper.sha not in counts:
                # The upload check already counted the pages; open the file only if it did not.
                counts[paper.sha] = paper.page_count or _page_count(open_paper(paper.sha))
    layout = front_layout(plan)
    report(5)
    front = render_front(plan, start_pages=paper_start_pages(plan, layout, counts))
    report(10)
    pages = assemble(plan, front, open_paper, out, progress=report)
    report(100)
    return pages


def _page_count(source) -> int:
    if isinstance(source, str | os.PathLike):
        return len(PdfReader(Path(source)).pages)
    count = len(PdfReader(source).pages)
    source.seek(0)
    return count


def concatenate(paths: Iterable[Path], out) -> int:
    """A bare pypdf concatenation (the bench's baseline); returns the page count."""
    writer = PdfWriter()
    for path in paths:
        writer.append(path)
    writer.write(out)
    return len(writer.pages)
