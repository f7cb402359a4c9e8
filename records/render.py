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
from cabinet.signing.issuance import TextSlot
from records.akn import minutes_akn, statement_akn
from records.compose.text import plain_tree
from records.models import DecisionRecord, Minutes, SignerRole

#: Size of each signature block in PDF points (the template draws the same size in pt).
SIGNATURE_SIZE = {
    SignerRole.SECRETARY: (210.0, 62.0),
    SignerRole.CHAIR: (210.0, 62.0),
    SignerRole.ORGANISATION: (210.0, 122.0),  # the office's block: the seal, its text
}
ANCHORS = {
    SignerRole.SECRETARY: "sig-secretary",
    SignerRole.CHAIR: "sig-chair",
    SignerRole.ORGANISATION: "sig-organisation",
}
#: The places the issuing office fills after the competent person signs (Decree 30/2020,
#: Appendix I: the number under the issuer's name, the place and date under the motto):
#: anchor → (field name, width, height in points, font size, italic, alignment).
ISSUE_FIELDS = {
    "issue-number": ("so", 20.0, 16.0, 13, False, "right"),
    "issue-date": ("ngay", 270.0, 20.0, 14, True, "center"),
}


#: In the JSON twin of a record signed before its number is issued (Decree 30 order).
ISSUANCE_NOTE = (
    "Số và ngày ban hành do văn thư cấp từ sổ đăng ký sau khi người có thẩm quyền ký; "
    "chúng ở các trường “so” và “ngay” của tệp PDF, được chữ ký số của cơ quan xác nhận."
)


class LayoutError(Exception):
    """The template did not place a signature block."""


@dataclass(frozen=True)
class Slot:
    """Where one signer signs: 0-based page and (x1, y1, x2, y2) in PDF points."""

    page: int
    box: tuple[float, float, float, float]


def _place(reader: PdfReader, dest, width: float, height: float) -> Slot:
    left, top = float(dest.left), float(dest.top)
    return Slot(
        reader.get_destination_page_number(dest),
        (round(left, 2), round(top - height, 2), round(left + width, 2), round(top, 2)),
    )


def signature_slots(pdf: bytes, *roles: SignerRole) -> dict[SignerRole, Slot]:
    """The signature places of a rendered record, read from its named destinations
    (``roles``: the blocks it must have; by default the secretary's and the chair's)."""
    reader = PdfReader(BytesIO(pdf))
    destinations = reader.named_destinations
    slots = {}
    for role in roles or (SignerRole.SECRETARY, SignerRole.CHAIR):
        dest = destinations.get(ANCHORS[role])
        if dest is None:
            raise LayoutError(f"the record has no {ANCHORS[role]} block")
        slots[role] = _place(reader, dest, *SIGNATURE_SIZE[role])
    return slots


def issue_slots(pdf: bytes) -> list[TextSlot]:
    """The number and date fields of a record rendered for Decree 30 signing (none: the record
    was numbered before signing)."""
    reader = PdfReader(BytesIO(pdf))
    destinations = reader.named_destinations
    slots = []
    for anchor, (name, width, height, size, italic, align) in ISSUE_FIELDS.items():
        dest = destinations.get(anchor)
        if dest is not None:
            place = _place(reader, dest, width, height)
            slots.append(TextSlot(name, place.page, place.box, size, italic, align))
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


def issued_later(record: DecisionRecord) -> bool:
    """Whether the record is rendered for the Decree 30 order: signed first, its number and date
    filled in by the office afterwards (never for a record that already has its number)."""
    return record.register_entry is None and not record.is_editable


def decision_html(record: DecisionRecord, number: str | None = None) -> str:
    """The decision record as HTML in the Decree 30/2020 layout."""
    number = _number(record, number)
    day = decision_date(record)
    later = issued_later(record) and not number
    with force_locale("vi"):
        return render_template(
            "records/decision_pdf.html",
            c=plain_tree(record.content),
            record=record,
            number=number,
            date_text=None if later else place_and_date(record.content.get("place", "Hà Nội"), day),
            issue_fields={a: v[1:3] for a, v in ISSUE_FIELDS.items()} if later else None,
            secretary_block=bool(number),  # numbered before signing: the secretary-first order
            draft=record.is_editable,
            sizes={r.value: s for r, s in SIGNATURE_SIZE.items()},
        )


def render_decision(record: DecisionRecord, number: str | None = None) -> bytes:
    """The decision record as a PDF/A-3 with ``nghi-quyet.json`` and ``nghi-quyet.akn.xml``."""
    number = _number(record, number)
    day = decision_date(record)
    content = plain_tree(record.content)
    later = issued_later(record) and not number
    twin = {
        "type": str(record.kind),
        "number": number or None,
        "title": record.title,
        "date": day.isoformat(),
        "meeting_id": record.meeting_id,
        "ballot_id": record.ballot_id,
        "generated_at": utcnow().isoformat(),
        **content,
    }
    if later:
        twin["date"] = None
        twin["issuance"] = ISSUANCE_NOTE
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
