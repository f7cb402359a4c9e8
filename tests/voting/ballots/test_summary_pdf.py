"""The summary of opinions as a PDF: opens, and its text carries every answer and the outcome."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from datetime import UTC, datetime
from io import BytesIO

from pypdf import PdfReader

from cabinet.db import clock
from voting.ballots import services

COMMENTS = {
    "disagree": "Không đồng ý vì chưa đánh giá đủ tác động đến ngân sách địa phương.",
    "other": "Đề nghị bổ sung quy định chuyển tiếp cho các dự án đang triển khai.",
}


def _text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    # Join the lines of wrapped table cells so a sentence can be searched as a whole.
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", result.stdout.decode("utf-8")))


def test_summary_pdf_has_every_answer_with_diacritics_and_the_outcome(
    db, make_ballot, set_settings, login, client
):
    set_settings(
        nonreply_policy="no_reply", passing_base="all_members", passing_threshold="simple_majority"
    )
    cabinet, ballot = make_ballot(n=5, questions=1)
    q = ballot.questions[0]
    chair, m2, m3, m4, silent = cabinet.members
    plan = [
        (chair, "agree", ""),
        (m2, "agree", ""),
        (m3, "disagree", COMMENTS["disagree"]),
        (m4, "other", COMMENTS["other"]),
    ]
    for member, choice, comment in plan:
        services.save_response(
            ballot, member, [services.AnswerInput(q.id, choice, comment)], submit=True
        )
    services.close_ballot(ballot, by=None, now=ballot.deadline)
    services.set_proposal(
        ballot, "Đề nghị Thủ tướng cho ý kiến chỉ đạo hoàn thiện dự thảo.", by=cabinet.secretariat
    )

    login(cabinet.secretariat)
    response = client.get(f"/ballots/{ballot.id}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) >= 1
    text = _text(pdf)

    assert "BÁO CÁO TỔNG HỢP Ý KIẾN THÀNH VIÊN CHÍNH PHỦ" in text.upper()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    for member in cabinet.members:
        assert member.name in text
    assert "Thủ tướng Trần Quốc Hưng" in text
    for sentence in COMMENTS.values():
        assert sentence in text
    assert (
        "Đồng ý: 2" in text
        and "Không đồng ý: 1" in text
        and "Ý kiến khác: 1" in text
        and "Không trả lời: 1" in text
    )
    assert re.search(r"Bộ trưởng số 5 .*Không trả lời", text)
    # 2 approvals of 5 members; more than half of all members (3) is needed.
    assert "Không được thông qua: 2/5 ý kiến đồng ý (cần tối thiểu 3)" in text
    assert "Đề nghị Thủ tướng cho ý kiến chỉ đạo hoàn thiện dự thảo." in text
    # The machine-readable twin is embedded.
    assert "tong-hop-y-kien.json" in reader.attachments


def test_summary_is_for_the_secretariat_and_the_chair_only(db, make_ballot, login, client):
    cabinet, ballot = make_ballot(n=3, questions=1)
    services.close_ballot(ballot, by=None, now=ballot.deadline)
    from cabinet.db import db as database

    database.session.commit()
    login(cabinet.members[1])
    assert client.get(f"/ballots/{ballot.id}/summary.pdf").status_code == 403
    login(cabinet.chair)
    assert client.get(f"/ballots/{ballot.id}/summary").status_code == 200


def test_the_chair_concludes_from_the_summary_page(db, make_ballot, login, client):
    cabinet, ballot = make_ballot(n=3, questions=1)
    services.close_ballot(ballot, by=None, now=ballot.deadline)
    login(cabinet.chair)
    response = client.post(
        f"/ballots/{ballot.id}/conclude",
        data={"outcome": "revise", "text": "Giao Bộ Tư pháp hoàn thiện, trình lại."},
    )
    assert response.status_code == 302
    assert ballot.status.value == "concluded"
    assert (
        ballot.conclusion.outcome.value == "revise"
        and ballot.conclusion.decided_by == cabinet.chair
    )
    page = client.get(f"/ballots/{ballot.id}/summary").get_data(as_text=True)
    assert "Giao Bộ Tư pháp hoàn thiện, trình lại." in page


def test_summary_page_shows_each_outcome_as_one_labelled_panel(db, make_ballot, login, client):
    cabinet, ballot = make_ballot(n=3, questions=1)
    q = ballot.questions[0]
    for member in cabinet.members[:2]:
        services.save_response(
            ballot, member, [services.AnswerInput(q.id, "agree", "")], submit=True
        )
    services.close_ballot(ballot, by=None, now=ballot.deadline)
    login(cabinet.secretariat)
    page = client.get(f"/ballots/{ballot.id}/summary").get_data(as_text=True)
    outcome = re.search(
        r'<div class="outcome outcome--(\w+) q-result__outcome">(.*?)</div>', page, re.S
    )
    assert outcome and outcome.group(1) == "passed"
    # The label and the sentence are one paragraph (not two flex columns).
    assert re.search(r"<p[^>]*><strong>Kết quả:</strong> Được thông qua: 2/3", outcome.group(2))
    # Answer cells are table cells, not the ballot form's radio-card component.
    assert 'class="choice ' not in page and 'class="choice-agree"' in page


def test_the_summary_is_dated_as_decree_30_writes_it(db, make_ballot, login, client):
    cabinet, ballot = make_ballot(n=3, questions=1)
    services.close_ballot(ballot, by=None, now=ballot.deadline)
    login(cabinet.secretariat)
    clock.set(datetime(2026, 3, 5, 2, 0, tzinfo=UTC))  # 09:00 in Hà Nội
    try:
        response = client.get(f"/ballots/{ballot.id}/summary.pdf")
    finally:
        clock.reset()
    assert response.status_code == 200
    # Decree 30/2020 pads a day below 10 (and January, February): "ngày 05 tháng 3".
    assert "Hà Nội, ngày 05 tháng 3 năm 2026" in _text(response.data)


def test_the_summary_is_kept_once_concluded_and_every_download_is_the_same_file(
    db, make_ballot, login, client
):
    import hashlib

    cabinet, ballot = make_ballot(n=3, questions=1)
    services.close_ballot(ballot, by=None, now=ballot.deadline)
    assert ballot.summary_sha256 is None  # a working copy until the chair concludes
    services.conclude_ballot(
        ballot, text="<p>Giao Bộ Tư pháp hoàn thiện.</p>", outcome="revise", by=cabinet.chair
    )
    assert ballot.summary_sha256
    login(cabinet.secretariat)
    first = client.get(f"/ballots/{ballot.id}/summary.pdf").data
    second = client.get(f"/ballots/{ballot.id}/summary.pdf").data
    assert first == second
    assert hashlib.sha256(first).hexdigest() == ballot.summary_sha256
    assert "Giao Bộ Tư pháp hoàn thiện." in _text(first)
