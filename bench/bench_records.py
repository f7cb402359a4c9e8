"""Records: a 30-item minutes document rendered to PDF/A-3, then signed by secretary and chair.

* **render**: ``cabinet.pdf.render_pdf`` (PDF/A-3b, embedded record serif loaded through the
  locked fetcher, JSON + Akoma Ntoso attachments) beside a bare
  ``weasyprint.HTML(string=...).write_pdf()`` of the same HTML in the same run (system fonts, no
  PDF/A, no attachments). Runs alternate between the two; medians are compared.
* **signatures**: the secretary's certification signature (with the chair's field reserved) and the
  chair's approval signature, PKCS#12 keystores from a demo CA, in-process, median of the runs.

Targets: render ≤ 1.3× the bare render; each signature ≤ 0.5 s.

    .venv/bin/python bench/bench_records.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import weasyprint  # noqa: E402

from bench.common import Scenario, print_table, save_results  # noqa: E402
from cabinet.pdf import PdfAttachment, render_pdf  # noqa: E402
from cabinet.signing import (  # noqa: E402
    Pkcs12Signer,
    create_demo_ca,
    issue_user_p12,
    sign_pdf,
    verify_pdf,
)
from cabinet.signing.sign import SignatureSlot  # noqa: E402

MINISTRIES = [
    "Bộ Tư pháp",
    "Bộ Tài chính",
    "Bộ Kế hoạch và Đầu tư",
    "Bộ Công Thương",
    "Bộ Nông nghiệp và Phát triển nông thôn",
    "Bộ Giao thông vận tải",
    "Bộ Xây dựng",
    "Bộ Tài nguyên và Môi trường",
    "Bộ Y tế",
    "Bộ Giáo dục và Đào tạo",
]
SPEAKERS = [
    "Phó Thủ tướng Trần Hồng Hà",
    "Bộ trưởng Bộ Tư pháp Nguyễn Hải Ninh",
    "Bộ trưởng Bộ Tài chính Nguyễn Văn Thắng",
    "Bộ trưởng Bộ Công Thương Nguyễn Hồng Diên",
    "Bộ trưởng Bộ Y tế Đào Hồng Lan",
    "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ Trần Văn Sơn",
]
SECRETARY_BOX = (70.0, 60.0, 290.0, 130.0)
CHAIR_BOX = (320.0, 60.0, 540.0, 130.0)


def minutes_html(items: int = 30) -> str:
    """A minutes-like document: attendance table, then per item speakers, vote table, conclusion."""
    members = "".join(
        f"<tr><td>{n}</td><td>Thành viên Chính phủ số {n}</td>"
        f"<td>{MINISTRIES[n % len(MINISTRIES)]}</td><td>{'Có mặt' if n % 9 else 'Vắng, có phép'}</td></tr>"
        for n in range(1, 28)
    )
    sections = []
    for i in range(1, items + 1):
        ministry = MINISTRIES[i % len(MINISTRIES)]
        speeches = "".join(
            f"<li><b>{SPEAKERS[(i + k) % len(SPEAKERS)]}</b>: cơ bản tán thành nội dung tờ trình; "
            "đề nghị cơ quan chủ trì tiếp thu, hoàn thiện quy định chuyển tiếp, làm rõ nguồn lực "
            "thực hiện và đánh giá tác động đối với người dân, doanh nghiệp.</li>"
            for k in range(4)
        )
        sections.append(
            f"""<section><h2>{i}. Dự thảo Nghị định quy định chi tiết một số điều của Luật
            (lĩnh vực {i})</h2>
            <p>Cơ quan trình: {ministry}. Tài liệu: Tờ trình số {100 + i}/TTr-{ministry[:6]},
            dự thảo Nghị định, báo cáo thẩm định của Bộ Tư pháp.</p>
            <p>Ý kiến phát biểu theo thứ tự:</p><ol>{speeches}</ol>
            <table><tr><th>Tán thành</th><th>Không tán thành</th><th>Không biểu quyết</th>
            <th>Quy tắc</th><th>Kết quả</th></tr>
            <tr><td>{20 + i % 5}</td><td>{i % 3}</td><td>{i % 2}</td>
            <td>Quá nửa tổng số thành viên</td><td>Thông qua</td></tr></table>
            <p><i>Kết luận của Thủ tướng:</i> Chính phủ thống nhất thông qua; giao {ministry}
            tiếp thu tối đa ý kiến thành viên Chính phủ, hoàn thiện, trình ký ban hành.</p>
            </section>"""
        )
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
    <title>Biên bản phiên họp Chính phủ thường kỳ</title><style>
      @page {{ size: A4; margin: 20mm 15mm 20mm 30mm;
              @bottom-center {{ content: counter(page) "/" counter(pages); }} }}
      body {{ font-family: "Liberation Serif", serif; font-size: 13pt; line-height: 1.3; }}
      h1 {{ text-align: center; font-size: 14pt; }} h2 {{ font-size: 13pt; }}
      table {{ border-collapse: collapse; width: 100%; margin: 4pt 0; }}
      th, td {{ border: 0.5pt solid #000; padding: 2pt 4pt; font-size: 11pt; }}
      section {{ break-inside: auto; }}
    </style></head><body>
    <p style="text-align:center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>
       Độc lập - Tự do - Hạnh phúc</b></p>
    <h1>BIÊN BẢN PHIÊN HỌP CHÍNH PHỦ THƯỜNG KỲ THÁNG 3 NĂM 2026</h1>
    <p>Thời gian: 8 giờ 00, ngày 5 tháng 3 năm 2026. Địa điểm: Trụ sở Chính phủ, Hà Nội.</p>
    <p>Chủ trì: Thủ tướng Chính phủ Phạm Minh Chính.</p>
    <table><tr><th>TT</th><th>Thành viên</th><th>Cơ quan</th><th>Tình trạng</th></tr>
    {members}</table>
    {"".join(sections)}
    </body></html>"""


def attachments(items: int) -> list[PdfAttachment]:
    """The machine-readable twins as the records package will attach them."""
    data = {"type": "minutes", "items": [{"no": i, "outcome": "adopted"} for i in range(items)]}
    akn = (
        '<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">'
        '<debate name="minutes"><debateBody>'
        + "".join(f'<debateSection eId="dbsect_{i}"/>' for i in range(1, items + 1))
        + "</debateBody></debate></akomaNtoso>"
    )
    return [
        PdfAttachment(
            "bien-ban.json", json.dumps(data).encode(), "application/json", "JSON", "Data"
        ),
        PdfAttachment(
            "bien-ban.akn.xml", akn.encode(), "application/akn+xml", "AKN", "Alternative"
        ),
    ]


def timed(fn):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    """Run the records benchmark and write bench/out/records.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--items", type=int, default=30)
    args = parser.parse_args()

    html = minutes_html(args.items)
    twins = attachments(args.items)
    ours = lambda: render_pdf(html, attachments=twins, title="Biên bản phiên họp")  # noqa: E731
    bare = lambda: weasyprint.HTML(string=html).write_pdf()  # noqa: E731
    ours(), bare()  # warm-up: font caches, CSS parser, fontconfig

    render_times, bare_times = [], []
    pdf = b""
    for _ in range(args.runs):
        seconds, pdf = timed(ours)
        render_times.append(seconds)
        seconds, _ = timed(bare)
        bare_times.append(seconds)

    with tempfile.TemporaryDirectory() as tmp:
        keys = Path(tmp)
        ca = create_demo_ca(keys)
        issue_user_p12(ca, keys / "s.p12", name="Thư ký", ministry="VPCP", passphrase="pass-1234")
        issue_user_p12(ca, keys / "c.p12", name="Chủ tọa", ministry="CP", passphrase="pass-5678")
        secretary, chair = (
            Pkcs12Signer(keys / "s.p12", "pass-1234"),
            Pkcs12Signer(keys / "c.p12", "pass-5678"),
        )

        def sign_secretary():
            return sign_pdf(
                pdf,
                secretary,
                field_name="secretary",
                page=0,
                box=SECRETARY_BOX,
                signer_name="Nguyễn Thị Thư Ký",
                capacity="THƯ KÝ PHIÊN HỌP",
                certify=True,
                reserve=[SignatureSlot("chair", 0, CHAIR_BOX)],
            )

        sign_secretary()  # warm-up: font bytes, HarfBuzz face
        secretary_times, chair_times = [], []
        signed = b""
        for _ in range(args.runs):
            seconds, first = timed(sign_secretary)
            secretary_times.append(seconds)
            seconds, signed = timed(
                lambda first=first: sign_pdf(
                    first,
                    chair,
                    field_name="chair",
                    page=0,
                    box=CHAIR_BOX,
                    signer_name="Phạm Minh Chính",
                    capacity="TM. CHÍNH PHỦ / THỦ TƯỚNG",
                    certify=False,
                )
            )
            chair_times.append(seconds)
        verify_seconds, report = timed(lambda: verify_pdf(signed, [ca.cert]))
        assert report.ok, report.to_dict()

    median = statistics.median
    results = [
        Scenario(
            f"render {args.items}-item minutes (PDF/A-3, embedded fonts, 2 attachments)",
            median(render_times),
            median(bare_times),
            "s",
            target=1.3,
            baseline_name="bare WeasyPrint",
            extra={"pdf_bytes": len(pdf), "runs": args.runs},
        ),
        Scenario(
            "secretary signature (certification, PAdES B-B)",
            median(secretary_times),
            None,
            "s",
            limit=0.5,
        ),
        Scenario(
            "chair signature (approval, PAdES B-B)", median(chair_times), None, "s", limit=0.5
        ),
        Scenario("verify both signatures (pyHanko)", verify_seconds, None, "s"),
    ]
    print_table(results)
    path = save_results(
        "records",
        results,
        extra={
            "raw": {
                "render": render_times,
                "bare": bare_times,
                "secretary": secretary_times,
                "chair": chair_times,
            }
        },
    )
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
