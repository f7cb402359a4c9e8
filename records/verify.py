"""Verification of a PDF: every signature, its PAdES level, what changed after it, and whether
the file is a record we issued. The page, the API and ``cabinet verify`` all show the words
built here, in the person's language.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from datetime import datetime
from typing import Any

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from cabinet.audit.models import AuditEntry
from cabinet.config import settings
from cabinet.db import db
from cabinet.errors import TooManyRequests
from cabinet.signing import SignatureReport, verify_pdf
from cabinet.signing.changes import Change
from records.models import DecisionRecord, Minutes, RegisterEntry, SignatureEvent
from records.signing import sha256_hex, trust_policy

RETIMESTAMPED = "record.retimestamped"

VERDICTS = {
    "valid": _l("Hợp lệ"),
    "invalid": _l("Không hợp lệ"),
    "not_registered": _l("Không có trong sổ đăng ký"),
}
FILE_ERRORS = {
    "unreadable": _l("Tệp bị hỏng hoặc không phải tệp PDF."),
    "unsigned": _l("Tệp không có chữ ký số nào."),
}
SIGNATURE_STATUS = {
    None: _l("Hợp lệ"),
    "tampered": _l("Đã bị sửa"),
    "invalid": _l("Không hợp lệ"),
    "untrusted": _l("Không tin cậy"),
    "revoked": _l("Chứng thư đã bị thu hồi"),
    "changed_after": _l("Văn bản bị thay đổi sau khi ký"),
    "display_changed": _l("Nội dung hiển thị bị thay đổi sau khi ký"),
    "indeterminate": _l("Chưa xác định"),
    "error": _l("Không kiểm tra được"),
}
REASONS = {
    "tampered": _l("Các byte đã ký bị thay đổi."),
    "invalid": _l("Giá trị chữ ký không khớp với nội dung."),
    "untrusted": _l(
        "Chứng thư của người ký không xác thực được tới một gốc tin cậy tại thời điểm ký "
        "(hết hạn, bị thu hồi trước khi ký, hoặc thiếu dữ liệu kiểm tra thu hồi)."
    ),
    "revoked": _l("Chứng thư của người ký đã bị thu hồi."),
    "changed_after": _l("Văn bản đã bị thay đổi sau chữ ký này."),
    "display_changed": _l(
        "Nội dung hiển thị trên trang đã bị thay đổi sau chữ ký này, không phải bởi một chữ ký."
    ),
    "error": _l("Không đọc được chữ ký."),
}
LEVELS = {
    "B-B": _l("PAdES B-B (chữ ký cơ bản, không có dấu thời gian)"),
    "B-T": _l("PAdES B-T (có dấu thời gian)"),
    "B-LT": _l("PAdES B-LT (kèm dữ liệu kiểm tra thu hồi)"),
    "B-LTA": _l("PAdES B-LTA (lưu trữ dài hạn, có dấu thời gian lưu trữ)"),
}
COVERAGE = {
    "entire_file": _l("toàn bộ tệp"),
    "entire_revision": _l("toàn bộ phiên bản khi ký"),
    "contiguous_block": _l("một phần liên tục"),
    "unclear": _l("không rõ"),
}


def change_label(change: Change) -> str:
    """One change after a signature, in the person's language."""
    values = {"field": change.field or "?", "signer": change.signer or "?", "page": change.page}
    labels = {
        "signature": _l("Chữ ký của %(signer)s (trường %(field)s)", **values),
        "timestamp": _l("Dấu thời gian lưu trữ (%(field)s)", **values),
        "validation_data": _l("Dữ liệu kiểm tra dài hạn (chứng thư, OCSP, CRL)"),
        "empty_field": _l("Trường chữ ký trống mới “%(field)s”, không hiển thị", **values),
        "filled_field": _l(
            "Ô “%(field)s” dành sẵn khi ký được điền (số, ngày ban hành); chữ ký sau xác nhận",
            **values,
        ),
        "pages_added": _l("Thêm trang, từ trang %(page)s", **values),
        "pages_removed": _l("Bớt trang, từ trang %(page)s", **values),
        "page_content": _l("Nội dung trang %(page)s bị thay đổi", **values),
        "attachments": _l("Tệp đính kèm bị thay đổi"),
        "other": _l("Thay đổi khác trong cấu trúc tệp"),
    }
    if change.kind == "unsigned_field":
        if change.visible:
            return str(
                _l("Trường “%(field)s” chưa ký, có hình hiển thị trên trang %(page)s", **values)
            )
        return str(_l("Trường “%(field)s” chưa ký, không hiển thị", **values))
    if change.kind == "annotation":
        if change.visible:
            return str(_l("Chú thích mới, bị sửa hoặc bị xóa trên trang %(page)s", **values))
        return str(_l("Chú thích ẩn trên trang %(page)s", **values))
    return str(labels.get(change.kind, labels["other"]))


def _when(moment: datetime | None) -> str | None:
    return format_datetime(moment, "dd/MM/yyyy HH:mm:ss") if moment else None


def describe_signature(sig: SignatureReport) -> dict[str, Any]:
    """The page's and the CLI's words for one signature."""
    changes = [change_label(c) for c in sig.changes]
    notes = []
    if sig.ok and sig.revoked_at is not None:
        notes.append(
            str(
                _l(
                    "Chứng thư bị thu hồi lúc %(when)s, sau thời điểm ký; dấu thời gian và dữ liệu "
                    "kiểm tra kèm theo chứng minh chữ ký được tạo khi chứng thư còn hiệu lực.",
                    when=_when(sig.revoked_at),
                )
            )
        )
    return {
        "status": "valid" if sig.ok else sig.reason or "invalid",
        "status_label": str(SIGNATURE_STATUS.get(None if sig.ok else sig.reason or "invalid")),
        "reason_text": None
        if sig.ok
        else str(REASONS.get(sig.reason or "error", REASONS["error"])),
        "level_label": str(LEVELS.get(sig.level, sig.level)),
        "coverage_label": str(COVERAGE.get(sig.coverage, sig.coverage)),
        "change_labels": changes or [str(_l("Không có"))],
        "notes": notes,
        "kind_label": str(
            _l("Chữ ký chứng thực (chỉ cho phép ký tiếp)")
            if sig.certifying
            else _l("Chữ ký phê duyệt")
        ),
    }


def register_status(sha256: str) -> dict[str, Any]:
    """Whether a file with this hash is a record: the locked final, an earlier stage, or unknown."""
    entry = db.session.scalar(select(RegisterEntry).where(RegisterEntry.final_sha256 == sha256))
    archived_as = None
    if entry is None:
        # The same final record before its archive timestamps were renewed.
        for audit in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == RETIMESTAMPED)
        ):
            if (audit.data or {}).get("sha256_before") == sha256:
                archived_as = (audit.data or {}).get("register_entry_id")
                break
        if archived_as is not None:
            entry = db.session.get(RegisterEntry, archived_as)
    if entry is not None:
        return {
            "in_register": True,
            "status": "final",
            "earlier_archive_copy": archived_as is not None,
            "number": entry.symbol,
            "title": entry.title,
            "issued_at": entry.issued_at.isoformat(),
        }
    event = db.session.scalar(
        select(SignatureEvent)
        .where(or_(SignatureEvent.sha256_after == sha256, SignatureEvent.sha256_before == sha256))
        .order_by(SignatureEvent.id)
    )
    unsigned = db.session.scalar(
        select(Minutes.id).where(Minutes.pdf_sha256 == sha256)
    ) or db.session.scalar(select(DecisionRecord.id).where(DecisionRecord.pdf_sha256 == sha256))
    if event is not None or unsigned is not None:
        return {
            "in_register": False,
            "status": "earlier_version",
            "record_type": event.record_type if event else None,
            "record_id": event.record_id if event else unsigned,
        }
    return {"in_register": False, "status": "unknown"}


def _register_label(register: dict[str, Any]) -> str:
    if register["status"] == "final":
        return str(
            _l(
                "Có trong sổ đăng ký: %(number)s — %(title)s",
                number=register["number"],
                title=register["title"],
            )
        )
    if register["status"] == "earlier_version":
        return str(_l("Bản trung gian, chưa ký đủ"))
    return str(_l("Không có trong sổ đăng ký"))


def verify_document(data: bytes, *, at: datetime | None = None) -> dict[str, Any]:
    """The full verdict on a PDF: signatures, level, horizon, register status, bottom line."""
    sha = sha256_hex(data)
    report = verify_pdf(data, policy=trust_policy(), at=at)
    register = register_status(sha)
    body = report.to_dict()
    body["signatures_ok"] = body.pop("ok")
    for sig, data_sig in zip(report.signatures, body["signatures"], strict=True):
        data_sig.update(describe_signature(sig))
    if not report.ok:
        verdict = "invalid"
    elif not register["in_register"]:
        verdict = "not_registered"
    else:
        verdict = "valid"
    result = {
        "sha256": sha,
        "size": len(data),
        **body,
        "register": register,
        "register_label": _register_label(register),
        "ok": verdict == "valid",
        "verdict": verdict,
        "verdict_label": str(VERDICTS[verdict]),
        "error_text": str(FILE_ERRORS[report.error_code]) if report.error_code else None,
        "level_label": str(LEVELS[report.level]) if report.level else None,
        "horizon_label": _when(report.horizon),
    }
    result["text"] = format_text(result)
    return result


TEXT_LABELS = {
    "signature": _l("Chữ ký"),
    "signer": _l("Người ký"),
    "kind": _l("Loại"),
    "time": _l("Thời gian"),
    "timestamped": _l("có dấu thời gian"),
    "level": _l("Mức PAdES"),
    "coverage": _l("Phạm vi"),
    "changes": _l("Thay đổi sau khi ký"),
    "reason": _l("Lý do"),
    "document_level": _l("Mức PAdES của văn bản"),
    "horizon": _l("Kiểm chứng được đến"),
    "register": _l("Sổ đăng ký"),
    "verdict": _l("Kết luận"),
}


def format_text(result: dict[str, Any]) -> str:
    """The verdict as plain text, in the same words as the page (``cabinet verify``)."""
    t = {key: str(label) for key, label in TEXT_LABELS.items()}
    lines = []
    if result.get("error_text"):
        lines.append(result["error_text"])
    for number, sig in enumerate(result["signatures"], start=1):
        when = sig["signing_time"] or "?"
        if sig["timestamped"]:
            when += f" ({t['timestamped']})"
        lines += [
            f"{t['signature']} {number}: {sig['signer_name'] or '?'} "
            f"({sig['field_name']}) — {sig['status_label']}",
            f"  {t['signer']}: {sig['signer_subject'] or '?'}",
            f"  {t['kind']}: {sig['kind_label']}",
            f"  {t['time']}: {when}",
            f"  {t['level']}: {sig['level_label']}",
            f"  {t['coverage']}: {sig['coverage_label']}",
            f"  {t['changes']}: " + "; ".join(sig["change_labels"]),
        ]
        if sig["reason_text"]:
            lines.append(f"  {t['reason']}: {sig['reason_text']}")
        lines += [f"  {note}" for note in sig["notes"]]
    if result.get("level_label"):
        lines.append(f"{t['document_level']}: {result['level_label']}")
    if result.get("horizon_label"):
        lines.append(f"{t['horizon']}: {result['horizon_label']}")
    lines.append(f"SHA-256: {result['sha256']}")
    lines.append(f"{t['register']}: {result['register_label']}")
    lines.append(f"{t['verdict']}: {result['verdict_label']}")
    return "\n".join(lines)


# ---- who may ask how often: /verify is open to everyone ------------------------------------------

_recent: dict[str, deque[float]] = defaultdict(deque)
_recent_lock = threading.Lock()


def check_rate(address: str | None) -> None:
    """Refuse a verification when this address asked more than the limit in the last minute."""
    limit = settings().verify_per_minute
    now = time.monotonic()
    with _recent_lock:
        if len(_recent) > 10_000:  # forget idle addresses
            for key in [k for k, q in _recent.items() if not q or now - q[-1] > 60]:
                del _recent[key]
        asked = _recent[address or "?"]
        while asked and now - asked[0] > 60:
            asked.popleft()
        if len(asked) >= limit:
            raise TooManyRequests(
                _l("Quá nhiều lượt kiểm tra từ địa chỉ này. Vui lòng thử lại sau một phút.")
            )
        asked.append(now)
