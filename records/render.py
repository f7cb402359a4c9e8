"""PDF/A-3 rendering of records with their JSON and Akoma Ntoso twins embedded.

Signature places come from the layout itself: the templates give each signer's block an id
(``sig-secretary``, ``sig-chair``) and a fixed size; WeasyPrint writes every id as a named
destination, whose page and top-left corner place the signature where the layout puts it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from flask import render_template
from flask_babel import force_locale
from pypdf import PdfReader

from cabinet.dates import local, place_and_date
from cabinet.db import utcnow
from cabinet.pdf import PdfAttachment, render_pdf
from records.akn import minutes_akn, statement_akn
from records.compose.text import plain_tree
from records.models import DecisionRecord, Minutes, SignerRole

#: Size of each signature block in PDF points (the template draws the same size in pt).
SIGNATURE_SIZE = {SignerRole.SECRETARY: (210.0, 62.0), SignerRole.CHAIR: (210.0, 62.0)}
ANCHORS = {SignerRole.SECRETARY: "sig-secretary", SignerRole.CHAIR: "sig-chair"}


class LayoutError(Exception):
    """The template did not place a signature block."""


@dataclass(frozen=True)
class Slot:
    """Where one signer signs: 0-based page and (x1, y1, x2, y2) in PDF points."""

    page: int
    box: tuple[float, float, float, float]


def signature_slots(pdf: bytes) -> dict[SignerRole, Slot]:
    """The signature places of a rendered record, read from its named destinations."""
    reader = PdfReader(BytesIO(pdf))
    destinations = reader.named_destinations
    slots = {}
    for role, anchor in ANCHORS.items():
        dest = destinations.get(anchor)
        if dest is None:
            raise LayoutError(f"the record has no {anchor} block")
        width, height = SIGNATURE_SIZE[role]
        left, top = float(dest.left), float(dest.top)
        slots[role] = Slot(
            reader.get_destination_page_number(dest),
            (round(left, 2), round(top - height, 2), round(left + width, 2), round(top, 2)),
        )
    return slots


def _json_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()


def minutes_html(minutes: Minutes, *, number: str) -> str:
    """The minutes as HTML for WeasyPrint (Vietnamese whatever the reader's language)."""
    with force_locale("vi"):
        return render_template(
            "records/minutes_pdf.html",
            c=plain_tree(minutes.content),
            number=number,
            draft=minutes.is_editable,
            sizes={r.value: s for r, s in SIGNATURE_SIZE.items()},
        )


def _number(record: Minutes | DecisionRecord, number: str | None) -> str:
    if number is not None:
        return number
    return record.register_entry.symbol if record.register_entry else ""


def render_minutes(minutes: Minutes, number: str | None = None) -> bytes:
    """The minutes as a PDF/A-3 with ``bien-ban.json`` and ``bien-ban.akn.xml`` embedded.

    ``number``: the symbol to print (the register's next one, before it is taken); by default
    the record's register entry."""
    number = _number(minutes, number)
    html = minutes_html(minutes, number=number)
    content = plain_tree(minutes.content)  # drafts saved before the text rule still render clean
    today = local(utcnow()).date()
    twin = {
        "type": "minutes",
        "number": number,
        "state": str(minutes.state),
        "version": minutes.version,
        "generated_at": utcnow().isoformat(),
        **content,
    }
    return render_pdf(
        html,
        attachments=[
            PdfAttachment(
                "bien-ban.json", _json_bytes(twin), "application/json", "Biên bản (JSON)"
            ),
            PdfAttachment(
                "bien-ban.akn.xml",
                minutes_akn(content, number=number, generated=today),
                "application/akn+xml",
                "Biên bản (Akoma Ntoso 3.0, debate)",
            ),
        ],
        title=f"Biên bản {content['meeting']['title']}",
    )


def decision_date(record: DecisionRecord) -> date:
    """The date printed on the record: its issuance, or today for a draft."""
    return local(record.issued_at or utcnow()).date()


def decision_html(record: DecisionRecord, number: str | None = None) -> str:
    """The decision record as HTML in the Decree 30/2020 layout."""
    number = _number(record, number)
    day = decision_date(record)
    with force_locale("vi"):
        return render_template(
            "records/decision_pdf.html",
            c=plain_tree(record.content),
            record=record,
            number=number,
            date_text=place_and_date(record.content.get("place", "Hà Nội"), day),
            draft=record.is_editable,
            sizes={r.value: s for r, s in SIGNATURE_SIZE.items()},
        )


def render_decision(record: DecisionRecord, number: str | None = None) -> bytes:
    """The decision record as a PDF/A-3 with ``nghi-quyet.json`` and ``nghi-quyet.akn.xml``."""
    number = _number(record, number)
    day = decision_date(record)
    content = plain_tree(record.content)
    twin = {
        "type": str(record.kind),
        "number": number,
        "title": record.title,
        "date": day.isoformat(),
        "meeting_id": record.meeting_id,
        "ballot_id": record.ballot_id,
        "generated_at": utcnow().isoformat(),
        **content,
    }
    return render_pdf(
        decision_html(record, number),
        attachments=[
            PdfAttachment(
                "nghi-quyet.json", _json_bytes(twin), "application/json", "Nghị quyết (JSON)"
            ),
            PdfAttachment(
                "nghi-quyet.akn.xml",
                statement_akn(
                    content,
                    number=number,
                    title=content.get("summary") or record.title,
                    day=day,
                    generated=local(utcnow()).date(),
                ),
                "application/akn+xml",
                "Nghị quyết (Akoma Ntoso 3.0, statement)",
            ),
        ],
        title=f"Nghị quyết {number}".strip(),
    )
