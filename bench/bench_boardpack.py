"""Board pack build time: 12 items × 2 papers of ~20 pages, cold and cached, beside a bare
pypdf concatenation of the same 24 PDFs measured in the same run.

    .venv/bin/python bench/bench_boardpack.py [--items 12] [--papers 2] [--pages 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Scenario, print_table, save_results  # noqa: E402


def make_pdf(title: str, pages: int) -> bytes:
    """A text PDF of `pages` A4 pages (WeasyPrint), unique per title."""
    from weasyprint import HTML

    para = "Căn cứ Luật Tổ chức Chính phủ; xét đề nghị của Bộ trưởng. " * 12
    body = "".join(
        f"<section style='break-after:page'><h1>{title}</h1><h2>Trang {n}</h2><p>{para}</p>"
        f"<p>{para}</p></section>"
        for n in range(1, pages + 1)
    )
    return HTML(string=f"<html lang='vi'><body>{body}</body></html>").write_pdf()


def main() -> None:
    """Build the meeting, time the pack cold/cached and the bare concatenation."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=12)
    parser.add_argument("--papers", type=int, default=2)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from sqlalchemy import delete
    from werkzeug.datastructures import FileStorage

    from cabinet import create_app
    from cabinet.db import Base, db, utcnow
    from cabinet.users.models import Role, User
    from meetings import services as meeting_services
    from meetings.papers import add_paper
    from meetings.reader import services
    from meetings.reader.boardpack import concatenate, plan_for
    from meetings.reader.models import BoardPack

    tmp = Path(tempfile.mkdtemp(prefix="bench-boardpack-"))
    app = create_app(
        {
            "ECABINET_INSTANCE_PATH": str(tmp / "instance"),
            "ECABINET_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
            "ECABINET_ASYNC_MODE": "threading",
            "ECABINET_SECRET_KEY": "bench-secret-" + "x" * 32,
            "ECABINET_PUBLIC_URL": "http://ecabinet.bench",
        }
    )
    print(f"generating {args.items * args.papers} PDFs of {args.pages} pages…", file=sys.stderr)
    pdfs = [
        [make_pdf(f"Tài liệu {i + 1}.{j + 1}", args.pages) for j in range(args.papers)]
        for i in range(args.items)
    ]
    with app.app_context(), app.test_request_context():
        Base.metadata.create_all(db.engine)
        sec = User(name="Thư ký", email="sec@bench", password_hash="x", title="", ministry="")
        sec.set_roles({Role.SECRETARIAT})
        member = User(name="Bộ trưởng", email="m@bench", password_hash="x", title="", ministry="")
        member.set_roles({Role.MEMBER})
        db.session.add_all([sec, member])
        db.session.flush()
        meeting = meeting_services.create_meeting(
            {
                "title": "Phiên họp Chính phủ thường kỳ",
                "number": "12/PH",
                "starts_at": utcnow() + timedelta(days=5),
                "place": "Hà Nội",
                "member_ids": [member.id],
            },
            actor=sec,
        )
        for i, item_pdfs in enumerate(pdfs):
            item = meeting_services.add_item(meeting, {"title": f"Nội dung số {i + 1}"}, actor=sec)
            for j, data in enumerate(item_pdfs):
                add_paper(
                    item,
                    title=f"Tài liệu {i + 1}.{j + 1}",
                    upload=FileStorage(io.BytesIO(data), filename=f"t{i}-{j}.pdf"),
                    actor=sec,
                )
        meeting.publish()
        db.session.commit()

        store = services.content_store()
        plan = plan_for(meeting, member)
        paths = [store.path_for(p.sha) for item in plan.items for p in item.included]

        cold, cached, bare = [], [], []
        pack = None
        for _ in range(args.runs):
            started = time.perf_counter()
            concatenate(paths, io.BytesIO())
            bare.append(time.perf_counter() - started)

            db.session.execute(delete(BoardPack))
            db.session.commit()
            started = time.perf_counter()
            pack, hit = services.build_board_pack(meeting, member)
            db.session.commit()
            cold.append(time.perf_counter() - started)
            assert not hit

            started = time.perf_counter()
            again, hit = services.build_board_pack(meeting, member)
            cached.append(time.perf_counter() - started)
            assert hit and again.id == pack.id

    papers = args.items * args.papers
    results = [
        Scenario(
            f"board pack cold ({args.items} items × {args.papers} papers × {args.pages} pages)",
            median(cold),
            median(bare),
            "s",
            target=2.0,
            baseline_name="bare pypdf concatenation",
            note="renders cover + agenda + dividers twice (page numbers), outline, hashing",
            extra={"pages": pack.page_count, "bytes": pack.size, "papers": papers},
        ),
        Scenario(
            "board pack cached (plan + key + lookup)",
            median(cached),
            median(bare),
            "s",
            target=0.1,
            baseline_name="bare pypdf concatenation",
        ),
    ]
    print_table(results)
    path = save_results(
        "boardpack", results, extra={"raw": {"cold": cold, "cached": cached, "bare": bare}}
    )
    print(f"results: {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
