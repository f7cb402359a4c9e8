"""The minutes cycle over HTTP and sockets: draft, revisions, 409 on a stale save, live comments,
the lock; decision records; the verification endpoint and the `cabinet verify` command."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from flask import current_app
from pypdf import PdfReader

from cabinet.db import db
from cabinet.users.models import Role
from records import services
from records.models import MinutesRevision, RecordState
from records.render import render_minutes
from records.signing import sign_record, store
from tests.conftest import events_named
from tests.voting.polls.helpers import Tablet, build_session

from .conftest import PASSPHRASES, fill_and_finalize

AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"


def test_minutes_page_drafts_on_first_open_and_shows_the_session(closed_session, user_client):
    s = closed_session
    page = user_client(s.cab.secretariat).get(f"/records/meetings/{s.meeting.id}/minutes")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Dự án Luật Đất đai (sửa đổi)" in html and s.speakers[1].name in html
    assert 'name="items.0.conclusion"' in html  # the editor for the secretariat
    minutes = services.minutes_of(s.meeting)
    assert minutes.state == RecordState.DRAFT and minutes.revisions[0].number == 1
    member_page = user_client(s.cab.members[3]).get(f"/records/meetings/{s.meeting.id}/minutes")
    assert (
        member_page.status_code == 200
        and 'name="items.0.conclusion"' not in member_page.get_data(as_text=True)
    )
    assert (
        user_client(s.cab.invitee).get(f"/records/meetings/{s.meeting.id}/minutes").status_code
        == 403
    )


def test_open_session_has_no_minutes_yet(db, make_cabinet, user_client):
    cab = make_cabinet(5, deputies=1)
    session = build_session(cab)
    response = user_client(cab.secretariat).get(
        f"/api/v1/records/meetings/{session.meeting.id}/minutes"
    )
    assert response.status_code == 409
    assert response.get_json()["code"] == "record.session_not_closed"


def test_two_editors_get_a_conflict_not_an_overwrite(closed_session, user_client, make_user):
    s = closed_session
    other = make_user(Role.SECRETARIAT, name="Chuyên viên Lê Thu")
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    db.session.commit()
    url = f"/api/v1/records/minutes/{minutes.id}"
    base = minutes.version
    first = user_client(s.cab.secretariat).put(
        url, json={"version": base, "changes": {"items.0.conclusion": "Thống nhất thông qua."}}
    )
    assert first.status_code == 200 and first.get_json()["version"] == base + 1
    second = user_client(other).put(
        url, json={"version": base, "changes": {"items.0.conclusion": "Giao hoàn thiện thêm."}}
    )
    assert second.status_code == 409
    problem = second.get_json()
    assert problem["code"] == "record.edit_conflict"
    assert s.cab.secretariat.name in problem["detail"]
    assert "Mục 1 — Kết luận của chủ tọa" in problem["detail"]
    [theirs] = problem["their_changes"]
    assert theirs["changes"][0]["new"] == "Thống nhất thông qua."
    db.session.expire_all()
    assert (
        services.minutes_of(s.meeting).content["items"][0]["conclusion"] == "Thống nhất thông qua."
    )
    # after looking at the other's changes, saving on the new version works and is a revision
    third = user_client(other).put(
        url, json={"version": base + 1, "changes": {"items.0.decision": "Thông qua."}}
    )
    assert third.status_code == 200
    revisions = db.session.query(MinutesRevision).filter_by(minutes_id=minutes.id).all()
    assert [(r.number, r.author_id) for r in revisions][1:] == [
        (base + 1, s.cab.secretariat.id),
        (base + 2, other.id),
    ]
    assert revisions[-1].changes == [
        {"path": "items.0.decision", "label": "Mục 1 — Quyết định", "old": "", "new": "Thông qua."}
    ]
    unknown = user_client(other).put(
        url, json={"version": base + 2, "changes": {"meeting.title": "x"}}
    )
    assert unknown.status_code == 422


def test_members_present_comment_live_while_circulated(closed_session, user_client, socket_client):
    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    db.session.commit()
    member = s.cab.members[4]
    url = f"/api/v1/records/minutes/{minutes.id}/comments"
    early = user_client(member).post(url, json={"item_id": s.items[0].id, "text": "Sửa tên"})
    assert early.status_code == 409  # not circulated yet
    services.circulate_minutes(minutes, actor=s.cab.secretariat)
    db.session.commit()

    watcher = Tablet(socket_client(s.cab.secretariat))
    joined = watcher.emit("meeting.join", {"meeting_id": s.meeting.id}, callback=True)
    assert joined["ok"], joined
    watcher.get_received()
    response = user_client(member).post(
        url, json={"item_id": s.items[0].id, "text": "Đề nghị ghi rõ thời hạn trình Quốc hội."}
    )
    assert response.status_code == 201
    [event] = events_named(watcher, "minutes.comment_added")
    assert event["comment"]["text"] == "Đề nghị ghi rõ thời hạn trình Quốc hội."
    assert event["comment"]["author"] == member.name
    assert user_client(s.absent).post(url, json={"item_id": None, "text": "x"}).status_code == 403
    # the same through the socket event
    tablet = Tablet(socket_client(s.cab.members[5]))
    ack = tablet.emit(
        "minutes.comment",
        {"minutes_id": minutes.id, "item_id": s.items[1].id, "text": "Bổ sung số liệu nợ công."},
        callback=True,
    )
    assert ack["ok"], ack
    page = user_client(s.cab.secretariat).get(f"/records/meetings/{s.meeting.id}/minutes")
    assert "Bổ sung số liệu nợ công." in page.get_data(as_text=True)


def test_locked_minutes_refuse_every_change(closed_session, keystores, user_client):
    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    fill_and_finalize(minutes, s.cab)
    refused = user_client(s.cab.secretariat).put(
        f"/api/v1/records/minutes/{minutes.id}",
        json={"version": minutes.version, "changes": {"closing": "x"}},
    )
    assert refused.status_code == 409
    sign = user_client(s.cab.chair).post(
        f"/api/v1/records/minutes/{minutes.id}/sign", json={"passphrase": PASSPHRASES["chair"]}
    )
    assert sign.status_code == 409 and "Thư ký phải ký trước" in sign.get_json()["detail"]
    wrong = user_client(s.cab.members[2]).post(
        f"/api/v1/records/minutes/{minutes.id}/sign", json={"passphrase": "x"}
    )
    assert wrong.status_code == 403 and wrong.get_json()["code"] == "record.not_signer"
    for user, role in ((s.cab.secretariat, "secretary"), (s.cab.chair, "chair")):
        ok = user_client(user).post(
            f"/api/v1/records/minutes/{minutes.id}/sign", json={"passphrase": PASSPHRASES[role]}
        )
        assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["state"] == "locked"
    download = user_client(s.cab.members[7]).get(f"/records/minutes/{minutes.id}/pdf?download=1")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    # the secretary's and the chair's signatures, and the archive (document) timestamp
    assert download.data.count(b"/ByteRange") == 3
    reopen = user_client(s.cab.secretariat).post(f"/records/minutes/{minutes.id}/reopen")
    assert reopen.status_code == 409


def test_resolution_numbered_from_the_register_and_signed(
    closed_session, keystores, user_client, secretary_first
):
    """The secretary-first order a ministry may keep: numbered at issuance, then signed."""
    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    fill_and_finalize(minutes, s.cab)
    record = services.draft_resolution(s.meeting, actor=s.cab.secretariat)
    assert record.content["articles"][0]["text"].startswith("Thông qua dự án Luật Đất đai")
    services.issue_decision(record, actor=s.cab.secretariat)
    second = services.draft_resolution(s.meeting, actor=s.cab.secretariat)
    services.issue_decision(second, actor=s.cab.secretariat)
    n1, n2 = record.register_entry.number, second.register_entry.number
    assert n2 == n1 + 1 and record.register_entry.symbol == f"{n1:02d}/NQ-CP"
    sign_record(record, s.cab.secretariat, PASSPHRASES["secretary"])
    sign_record(record, s.cab.chair, PASSPHRASES["chair"])
    db.session.commit()
    with store().open(record.pdf_sha256) as handle:
        data = handle.read()
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {n1:02d}/NQ-CP",
        "NGHỊ QUYẾT",
        "Căn cứ Luật Tổ chức Chính phủ",
        "QUYẾT NGHỊ:",
        "Điều 1.",
        "TM. CHÍNH PHỦ",
        "Nơi nhận:",
    ):
        assert expected in text, expected
    assert "Hà Nội, ngày" in text
    akn = ET.fromstring(reader.attachments["nghi-quyet.akn.xml"][0])
    statement = akn.find(f"{AKN}statement")
    assert statement is not None
    assert statement.find(f".//{AKN}docNumber").text == f"{n1:02d}/NQ-CP"
    assert statement.find(f"{AKN}mainBody/{AKN}article/{AKN}num").text == "Điều 1."
    page = user_client(s.cab.members[3]).get(f"/records/decisions/{record.id}")
    assert page.status_code == 200


def test_verify_endpoint_reports_tampered_and_unknown(
    closed_session, keystores, user_client, tmp_path
):
    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    fill_and_finalize(minutes, s.cab)
    sign_record(minutes, s.cab.secretariat, PASSPHRASES["secretary"])
    halfway = minutes.pdf_sha256
    sign_record(minutes, s.cab.chair, PASSPHRASES["chair"])
    db.session.commit()
    with store().open(minutes.pdf_sha256) as handle:
        signed = handle.read()
    client = user_client(s.cab.members[3])

    def verify(data: bytes):
        return client.post(
            "/api/v1/records/verify",
            data={"file": (io.BytesIO(data), "bien-ban.pdf", "application/pdf")},
            content_type="multipart/form-data",
        ).get_json()

    good = verify(signed)
    assert good["ok"] and good["register"]["status"] == "final"
    assert [sig["signer_name"] for sig in good["signatures"]] == [
        s.cab.secretariat.name,
        s.cab.chair.name,
    ]

    tampered = bytearray(signed)
    tampered[len(signed) // 3] ^= 0x20
    bad = verify(bytes(tampered))
    assert not bad["ok"] and bad["register"]["status"] == "unknown"
    assert bad["error"] or any(not sig["intact"] or not sig["ok"] for sig in bad["signatures"])

    with store().open(halfway) as handle:
        earlier = verify(handle.read())
    assert earlier["signatures_ok"] and not earlier["ok"]
    assert earlier["register"]["status"] == "earlier_version"

    unknown = verify(render_minutes(minutes))
    assert not unknown["ok"] and unknown["register"]["status"] == "unknown"

    by_record = client.post(
        "/api/v1/records/verify", json={"record_type": "minutes", "record_id": minutes.id}
    )
    assert by_record.get_json()["ok"]
    page = client.post("/verify/", data={"record": f"minutes:{minutes.id}"})
    assert page.status_code == 200 and "Có trong sổ đăng ký" in page.get_data(as_text=True)

    # the same from the shell
    runner = current_app.test_cli_runner()
    good_file, bad_file = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good_file.write_bytes(signed)
    bad_file.write_bytes(bytes(tampered))
    ok = runner.invoke(args=["cabinet", "verify", str(good_file)])
    assert ok.exit_code == 0, ok.output
    # the page's words: one verdict, never "OK" for the signatures and "NOT VERIFIED" after
    assert "Có trong sổ đăng ký" in ok.output and "Kết luận: Hợp lệ" in ok.output
    failed = runner.invoke(args=["cabinet", "verify", str(bad_file)])
    assert failed.exit_code == 1 and "Kết luận: Không hợp lệ" in failed.output
    assert "Hợp lệ" not in failed.output.replace("Không hợp lệ", "")


@pytest.mark.parametrize("path", ["/records/", "/verify/"])
def test_list_and_verify_pages_render(closed_session, user_client, path):
    response = user_client(closed_session.cab.chair).get(path)
    assert response.status_code == 200
