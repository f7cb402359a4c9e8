"""Signing each kind of record at PAdES B-LTA beside PAdES B-B, in the same run, against the
demo PKI, in each record's own signing order:

* **minutes** (30 items, ``bench_records``): the secretary (certification, the chair's field
  reserved), then the chair (approval);
* **resolution** (Decree 30/2020): the chair certifies first with his signature image, reserving
  the seal field and the number and date fields; the office then fills the number and date in
  and applies the organisation's seal;
* **ballot summary**: the office's seal, number and date on the summary of 27 members' opinions.

B-B: the same signatures with no timestamp and no revocation data. B-LTA: each signature
validated against the demo PKI (OCSP, hard-fail), timestamped by its TSA and followed by its
validation data (B-LT), then the archive completion (``complete_archive``: DSS for every
chain, document timestamp), timed separately and included in the per-record figure.

The PKI service (OCSP responder, CRLs, RFC 3161 TSA) runs on loopback in a thread of this
process, as `make run` runs it beside the app; its CPU time is part of the figures. Runs
alternate B-B and B-LTA; medians per record are compared.

Target: a B-LTA record ≤ 6× its B-B signing, and ≤ 5 s.

    .venv/bin/python bench/bench_signing.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_records import CHAIR_BOX, SECRETARY_BOX, attachments, minutes_html  # noqa: E402
from bench.common import Scenario, print_table, save_results  # noqa: E402
from cabinet.pdf import render_pdf  # noqa: E402
from cabinet.pki import TrustPolicy, create_demo_ca, serve_in_thread  # noqa: E402
from cabinet.signing import (  # noqa: E402
    Pkcs12Signer,
    issue_user_p12,
    seal_pdf,
    sign_pdf,
    verify_pdf,
)
from cabinet.signing.ltv import complete_archive  # noqa: E402
from cabinet.signing.sign import SignatureSlot  # noqa: E402
from records.decree30 import seal_field_box, seal_in_block, seal_png, signature_png  # noqa: E402
from records.models import SignerRole  # noqa: E402
from records.render import ISSUE_FIELDS, SIGNATURE_SIZE, issue_slots, signature_slots  # noqa: E402

RESOLUTION_ARTICLES = 12
SUMMARY_MEMBERS = 27


def timed(fn):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _box(anchor: str) -> str:
    width, height = ISSUE_FIELDS[anchor][1:3]
    return f'id="{anchor}" style="display:inline-block;width:{width}pt;height:{height}pt"'


def _head(issuer: str, symbol: str) -> str:
    return (
        '<table style="width:100%"><tr><td style="width:40%;text-align:center">'
        f"<b>{issuer}</b><br>Số: <span {_box('issue-number')}></span>/{symbol}</td>"
        '<td style="text-align:center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>'
        f"<b>Độc lập - Tự do - Hạnh phúc</b><br><div {_box('issue-date')}></div></td></tr></table>"
    )


def _sig(anchor: str, title: str) -> str:
    height = SIGNATURE_SIZE[SignerRole(anchor.removeprefix("sig-"))][1]
    return (
        '<table style="width:100%;margin-top:12pt"><tr><td style="width:40%"></td>'
        f'<td style="text-align:center"><b>{title}</b>'
        f'<div id="{anchor}" style="width:210pt;height:{height}pt;margin:4pt auto 0"></div>'
        "</td></tr></table>"
    )


def resolution_html() -> str:
    """A session's resolution laid out for the Decree 30 order (fields for number and date)."""
    articles = "".join(
        f"<p><b>Điều {n}.</b> Giao Bộ Tài chính chủ trì, phối hợp với các bộ, cơ quan liên "
        f"quan hoàn thiện nhiệm vụ số {n}, báo cáo Thủ tướng Chính phủ trong tháng.</p>"
        for n in range(1, RESOLUTION_ARTICLES + 1)
    )
    return (
        '<html lang="vi"><body style="font-family:\'Liberation Serif\';font-size:13pt">'
        f"{_head('CHÍNH PHỦ', 'NQ-CP')}<p style='text-align:center'><b>NGHỊ QUYẾT</b></p>"
        f"<p><b>QUYẾT NGHỊ:</b></p>{articles}"
        f"{_sig('sig-chair', 'TM. CHÍNH PHỦ<br>THỦ TƯỚNG')}</body></html>"
    )


def summary_html() -> str:
    """A ballot's summary of opinions: one row per member, the office's block at the end."""
    rows = "".join(
        f"<tr><td>Thành viên Chính phủ {n}</td><td>{'Đồng ý' if n % 5 else 'Ý kiến khác'}</td>"
        f"<td>{'' if n % 5 else 'Đề nghị làm rõ thời hạn áp dụng.'}</td></tr>"
        for n in range(1, SUMMARY_MEMBERS + 1)
    )
    return (
        '<html lang="vi"><body style="font-family:\'Liberation Serif\';font-size:12pt">'
        f"{_head('VĂN PHÒNG CHÍNH PHỦ', 'BC-VPCP')}"
        "<p style='text-align:center'><b>BÁO CÁO TỔNG HỢP Ý KIẾN THÀNH VIÊN CHÍNH PHỦ</b></p>"
        f"<table border='1' style='width:100%;border-collapse:collapse'>{rows}</table>"
        f"{_sig('sig-organisation', 'VĂN PHÒNG CHÍNH PHỦ')}</body></html>"
    )


ISSUED = {"so": "12", "ngay": "Hà Nội, ngày 03 tháng 12 năm 2026"}


def sign_minutes(pdf, keys, **ltv):
    """Secretary then chair (text stamps)."""
    first = sign_pdf(
        pdf,
        keys["secretary"],
        field_name="secretary",
        page=0,
        box=SECRETARY_BOX,
        signer_name="Nguyễn Thị Thư Ký",
        capacity="THƯ KÝ PHIÊN HỌP",
        certify=True,
        reserve=[SignatureSlot("chair", 0, CHAIR_BOX)],
        **ltv,
    )
    return sign_pdf(
        first,
        keys["chair"],
        field_name="chair",
        page=0,
        box=CHAIR_BOX,
        signer_name="Phạm Minh Chính",
        capacity="TM. CHÍNH PHỦ / THỦ TƯỚNG",
        certify=False,
        **ltv,
    )


def sign_resolution(pdf, keys, **ltv):
    """Decree 30: the chair's image signature first, then the office's number, date and seal."""
    chair = signature_slots(pdf, SignerRole.CHAIR)[SignerRole.CHAIR]
    slots = issue_slots(pdf)
    first = sign_pdf(
        pdf,
        keys["chair"],
        field_name="chair",
        page=chair.page,
        box=chair.box,
        signer_name="Phạm Minh Chính",
        capacity="TM. Chính phủ",
        certify=True,
        image=keys["signature_image"],
        reserve=[SignatureSlot("organisation", chair.page, seal_field_box(chair.box))],
        reserve_text=slots,
        **ltv,
    )
    return seal_pdf(
        first,
        keys["organisation"],
        box=(0, 0, 0, 0),
        image=keys["seal_image"],
        organization="CHÍNH PHỦ",
        field_name="organisation",
        slots=slots,
        fill=ISSUED,
        **ltv,
    )


def seal_summary(pdf, keys, **ltv):
    """The office's seal, number and date on the summary (fields added with the seal)."""
    block = signature_slots(pdf, SignerRole.ORGANISATION)[SignerRole.ORGANISATION]
    return seal_pdf(
        pdf,
        keys["organisation"],
        box=seal_in_block(block.box),
        page=block.page,
        image=keys["seal_image"],
        organization="CHÍNH PHỦ",
        field_name="organisation",
        slots=issue_slots(pdf),
        fill=ISSUED,
        **ltv,
    )


def main() -> None:
    """Run the signing benchmark and write bench/out/signing.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--items", type=int, default=30)
    args = parser.parse_args()

    records = {
        "minutes": (
            render_pdf(
                minutes_html(args.items), attachments=attachments(args.items), title="Biên bản"
            ),
            sign_minutes,
        ),
        "resolution": (render_pdf(resolution_html(), title="Nghị quyết"), sign_resolution),
        "ballot summary": (render_pdf(summary_html(), title="Báo cáo"), seal_summary),
    }
    with tempfile.TemporaryDirectory() as tmp, serve_in_thread(Path(tmp) / "keys") as pki:
        keys_dir = Path(tmp) / "keys"
        ca = create_demo_ca(keys_dir, base_url=pki.url)
        keys = {"signature_image": signature_png("Phạm Minh Chính"), "seal_image": seal_png()}
        for role, name in (
            ("secretary", "Thư ký"),
            ("chair", "Chủ tọa"),
            ("organisation", "CHÍNH PHỦ"),
        ):
            issue_user_p12(
                ca, keys_dir / f"{role}.p12", name=name, ministry="VPCP", passphrase="pass-1234"
            )
            keys[role] = Pkcs12Signer(keys_dir / f"{role}.p12", "pass-1234")
        trust = TrustPolicy((ca.cert,), "hard-fail")
        tsa = pki.url + "/tsa"

        results, raw = [], {}
        for name, (pdf, sign) in records.items():
            (
                sign(pdf, keys),
                complete_archive(  # warm-up
                    sign(pdf, keys, timestamp_url=tsa, trust=trust), timestamp_url=tsa, trust=trust
                ),
            )
            b_b, b_lt, completion = [], [], []
            archived = b""
            for _ in range(args.runs):
                seconds, _ = timed(lambda pdf=pdf, sign=sign: sign(pdf, keys))
                b_b.append(seconds)
                seconds, signed = timed(
                    lambda pdf=pdf, sign=sign: sign(pdf, keys, timestamp_url=tsa, trust=trust)
                )
                b_lt.append(seconds)
                seconds, archived = timed(
                    lambda signed=signed: complete_archive(signed, timestamp_url=tsa, trust=trust)
                )
                completion.append(seconds)
            verify_seconds, report = timed(
                lambda archived=archived: verify_pdf(archived, policy=trust)
            )
            assert report.ok and report.level == "B-LTA", (name, report.to_dict())
            raw[name] = {"b_b": b_b, "b_lt": b_lt, "completion": completion}
            signatures = len(report.signatures)
            per_record = [a + b for a, b in zip(b_lt, completion, strict=True)]
            results += [
                Scenario(
                    f"{name}: sign + B-LTA completion ({signatures} signature(s))",
                    statistics.median(per_record),
                    statistics.median(b_b),
                    "s",
                    target=6.0,
                    limit=5.0,
                    baseline_name=f"the same {signatures} signature(s) at PAdES B-B",
                    extra={"runs": args.runs, "pdf_bytes": len(archived)},
                ),
                Scenario(
                    f"{name}: B-LTA completion alone (DSS + document timestamp)",
                    statistics.median(completion),
                    None,
                    "s",
                    limit=1.5,
                ),
                Scenario(
                    f"{name}: verify (AdES long-term validation, OCSP hard-fail)",
                    verify_seconds,
                    None,
                    "s",
                ),
            ]
    print_table(results)
    path = save_results("signing", results, extra={"raw": raw})
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
