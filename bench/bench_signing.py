"""Signing a record at PAdES B-LTA beside PAdES B-B, in the same run, against the demo PKI.

The 30-item minutes of ``bench_records`` are signed by the secretary (certification, the
chair's field reserved) and the chair (approval):

* **B-B**: both signatures with no timestamp and no revocation data (the old default);
* **B-LTA**: each signature validated against the demo PKI (OCSP, hard-fail), timestamped by
  its TSA and followed by its validation data in the DSS (B-LT); then the archive completion
  (``complete_archive``: DSS for every chain, document timestamp).

The PKI service (OCSP responder, CRLs, RFC 3161 TSA) runs on loopback in a thread of this
process, as `make run` runs it beside the app; its CPU time is part of the figures. Runs
alternate B-B and B-LTA; medians per record are compared.

Target: a B-LTA record ≤ 6× a B-B record, and ≤ 5 s.

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
from cabinet.signing import Pkcs12Signer, issue_user_p12, sign_pdf, verify_pdf  # noqa: E402
from cabinet.signing.ltv import complete_archive  # noqa: E402
from cabinet.signing.sign import SignatureSlot  # noqa: E402


def timed(fn):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def sign_record(pdf, secretary, chair, *, tsa=None, trust=None):
    """Secretary then chair; with a TSA and a trust policy, each signature is B-LT."""
    first = sign_pdf(
        pdf,
        secretary,
        field_name="secretary",
        page=0,
        box=SECRETARY_BOX,
        signer_name="Nguyễn Thị Thư Ký",
        capacity="THƯ KÝ PHIÊN HỌP",
        certify=True,
        reserve=[SignatureSlot("chair", 0, CHAIR_BOX)],
        timestamp_url=tsa,
        trust=trust,
    )
    return sign_pdf(
        first,
        chair,
        field_name="chair",
        page=0,
        box=CHAIR_BOX,
        signer_name="Phạm Minh Chính",
        capacity="TM. CHÍNH PHỦ / THỦ TƯỚNG",
        certify=False,
        timestamp_url=tsa,
        trust=trust,
    )


def main() -> None:
    """Run the signing benchmark and write bench/out/signing.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--items", type=int, default=30)
    args = parser.parse_args()

    pdf = render_pdf(
        minutes_html(args.items), attachments=attachments(args.items), title="Biên bản"
    )
    with tempfile.TemporaryDirectory() as tmp, serve_in_thread(Path(tmp) / "keys") as pki:
        keys = Path(tmp) / "keys"
        ca = create_demo_ca(keys, base_url=pki.url)
        issue_user_p12(ca, keys / "s.p12", name="Thư ký", ministry="VPCP", passphrase="pass-1234")
        issue_user_p12(ca, keys / "c.p12", name="Chủ tọa", ministry="CP", passphrase="pass-5678")
        secretary = Pkcs12Signer(keys / "s.p12", "pass-1234")
        chair = Pkcs12Signer(keys / "c.p12", "pass-5678")
        trust = TrustPolicy((ca.cert,), "hard-fail")
        tsa = pki.url + "/tsa"

        def b_b():
            return sign_record(pdf, secretary, chair)

        def b_lt():
            return sign_record(pdf, secretary, chair, tsa=tsa, trust=trust)

        b_b(), complete_archive(b_lt(), timestamp_url=tsa, trust=trust)  # warm-up
        b_b_times, b_lt_times, completion_times = [], [], []
        archived = b""
        for _ in range(args.runs):
            seconds, _ = timed(b_b)
            b_b_times.append(seconds)
            seconds, signed = timed(b_lt)
            b_lt_times.append(seconds)
            seconds, archived = timed(
                lambda signed=signed: complete_archive(signed, timestamp_url=tsa, trust=trust)
            )
            completion_times.append(seconds)
        verify_seconds, report = timed(lambda: verify_pdf(archived, policy=trust))
        assert report.ok and report.level == "B-LTA", report.to_dict()

    median = statistics.median
    per_record = [a + b for a, b in zip(b_lt_times, completion_times, strict=True)]
    results = [
        Scenario(
            "record signed at PAdES B-LTA (2 signatures B-LT + archive completion)",
            median(per_record),
            median(b_b_times),
            "s",
            target=6.0,
            limit=5.0,
            baseline_name="the same 2 signatures at PAdES B-B",
            extra={"runs": args.runs, "pdf_bytes": len(archived)},
        ),
        Scenario(
            "B-LTA completion alone (DSS for every chain + document timestamp)",
            median(completion_times),
            None,
            "s",
            limit=1.5,
        ),
        Scenario(
            "verify the B-LTA record (AdES long-term validation, OCSP hard-fail)",
            verify_seconds,
            None,
            "s",
        ),
    ]
    print_table(results)
    path = save_results(
        "signing",
        results,
        extra={"raw": {"b_b": b_b_times, "b_lt": b_lt_times, "completion": completion_times}},
    )
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
