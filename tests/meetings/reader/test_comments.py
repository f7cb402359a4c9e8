"""Comments on draft papers through the API: who writes, who reads, the digest, classification."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from cabinet.audit.models import AuditEntry
from meetings.models import MeetingState


def comment(client, paper, page=1, text="Đề nghị làm rõ khoản 2"):
    return client.post(
        f"/api/v1/reader/papers/{paper.id}/comments", json={"page": page, "text": text}
    )


def test_a_member_comments_and_the_reviewers_read_it(reader_world, user_client, db):
    world = reader_world
    author = user_client(world.cabinet.members[2])
    other = user_client(world.cabinet.members[3])
    secretariat = user_client(world.cabinet.secretariat)
    created = comment(author, world.normal, page=2)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["page"] == 2
    comment(other, world.normal, page=1, text="Trang 1 thiếu số liệu")

    mine = author.get(f"/api/v1/reader/papers/{world.normal.id}/comments").get_json()
    assert [c["text"] for c in mine["comments"]] == ["Đề nghị làm rõ khoản 2"]  # own only
    assert mine["reviewer"] is False and mine["draft"] is True
    everything = secretariat.get(f"/api/v1/reader/papers/{world.normal.id}/comments").get_json()
    assert everything["reviewer"] is True
    assert [c["page"] for c in everything["comments"]] == [1, 2]

    # The digest: by page, as CSV (with a BOM for spreadsheets) and as a page.
    exported = secretariat.get(f"/api/v1/reader/papers/{world.normal.id}/comments/digest.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:]] == ["1", "2"]
    assert rows[2][4] == "Đề nghị làm rõ khoản 2"
    page = secretariat.get(f"/papers/{world.normal.id}/comments").get_data(as_text=True)
    assert "Trang 1 thiếu số liệu" in page and "Đề nghị làm rõ khoản 2" in page
    # A member is not a reviewer.
    assert author.get(f"/papers/{world.normal.id}/comments").status_code == 403
    assert (
        author.get(f"/api/v1/reader/papers/{world.normal.id}/comments/digest.csv").status_code
        == 403
    )
    # Audited without the text.
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "comment.created")
    ).first()
    assert entry is not None and "khoản 2" not in repr(entry.data)


def test_the_presenting_ministry_reads_the_comments(reader_world, user_client, db):
    world = reader_world
    comment(user_client(world.cabinet.members[2]), world.normal)
    minister = world.cabinet.members[4]
    minister.ministry = world.items[0].ministry
    db.session.commit()
    listed = user_client(minister).get(f"/api/v1/reader/papers/{world.normal.id}/comments")
    assert listed.get_json()["reviewer"] is True
    assert len(listed.get_json()["comments"]) == 1


def test_a_classified_paper_shows_nothing_to_who_may_not_read_it(reader_world, user_client):
    world = reader_world
    reader = user_client(world.cabinet.members[1])  # named reader of the restricted paper
    assert comment(reader, world.secret, text="Góp ý mật").status_code == 201
    outsider = user_client(world.cabinet.members[2])
    for url in (
        f"/api/v1/reader/papers/{world.secret.id}/comments",
        f"/api/v1/reader/papers/{world.secret.id}/comments/digest.csv",
        f"/papers/{world.secret.id}/comments",
    ):
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert "Góp ý mật" not in response.get_data(as_text=True)
        assert world.secret.title not in response.get_data(as_text=True)
    assert comment(outsider, world.secret).status_code == 404


def test_bad_input_and_closed_meetings(reader_world, user_client, db):
    world = reader_world
    member = user_client(world.cabinet.members[2])
    too_far = comment(member, world.normal, page=9)
    assert too_far.status_code == 422 and "3 trang" in too_far.get_data(as_text=True)
    assert comment(member, world.normal, text="").status_code == 422
    world.meeting.state = MeetingState.CLOSED
    db.session.commit()
    closed = comment(member, world.normal)
    assert closed.status_code == 409
    assert closed.get_json()["code"] == "comments.closed"
