"""Issue 16, finding 13: minutes are not finalised with empty conclusions. The page and the API
refuse with the reason (Vietnamese on the page, problem+json in the API) and store nothing: no
state change, no register number, no PDF, no audit entry; once a conclusion is written, they go."""

from __future__ import annotations

from sqlalchemy import func, select

from cabinet.audit.models import AuditEntry
from cabinet.db import db
from records import services
from records.models import RecordState
from records.models.register import RegisterEntry


def _nothing_stored(minutes) -> None:
    db.session.expire_all()
    assert minutes.state == RecordState.DRAFT
    assert minutes.register_entry_id is None and minutes.pdf_sha256 is None
    assert minutes.finalized_at is None
    assert db.session.scalar(select(func.count()).select_from(RegisterEntry)) == 0
    assert not db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "minutes.finalized")
    ).all()


def test_the_page_refuses_minutes_without_conclusions(closed_session, user_client):
    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    db.session.commit()
    clerk = user_client(s.cab.secretariat)
    page = clerk.post(f"/records/minutes/{minutes.id}/finalize")
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Biên bản chưa có kết luận của chủ tọa hay quyết định nào" in html
    assert 'name="items.0.conclusion"' in html  # the editor is there to write them
    _nothing_stored(minutes)

    # Whitespace is not a conclusion either.
    services.save_minutes(
        minutes, {"items.0.conclusion": "   "}, version=minutes.version, actor=s.cab.secretariat
    )
    db.session.commit()
    assert clerk.post(f"/records/minutes/{minutes.id}/finalize").status_code == 422
    _nothing_stored(minutes)

    services.save_minutes(
        minutes,
        {"items.0.conclusion": "Chính phủ thống nhất thông qua dự án Luật."},
        version=minutes.version,
        actor=s.cab.secretariat,
    )
    db.session.commit()
    done = clerk.post(f"/records/minutes/{minutes.id}/finalize")
    assert done.status_code == 302
    db.session.expire_all()
    assert minutes.state == RecordState.FINAL and minutes.register_entry_id is not None


def test_the_api_answers_problem_json_and_stores_nothing(closed_session, user_client):
    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    db.session.commit()
    clerk = user_client(s.cab.secretariat)
    url = f"/api/v1/records/minutes/{minutes.id}/finalize"
    refused = clerk.post(url, headers={"Accept": "application/json"})
    assert refused.status_code == 422
    assert refused.content_type.startswith("application/problem+json")
    problem = refused.get_json()
    assert problem["code"] == "minutes.no_conclusions"
    assert "chưa có kết luận" in problem["detail"]
    assert set(problem["fields"]) == {
        f"items.{i}.conclusion" for i in range(len(minutes.content["items"]))
    }
    _nothing_stored(minutes)

    english = user_client(s.cab.secretariat)
    s.cab.secretariat.locale = "en"
    db.session.commit()
    refused = english.post(url, headers={"Accept": "application/json"})
    assert "no conclusion" in refused.get_json()["detail"]

    services.save_minutes(
        minutes,
        {"items.1.decision": "Thông qua Nghị định về quản lý nợ công."},
        version=minutes.version,
        actor=s.cab.secretariat,
    )
    db.session.commit()
    done = clerk.post(url, headers={"Accept": "application/json"})
    assert done.status_code == 200 and done.get_json()["state"] == "final"
    # Only the secretariat finalises.
    assert user_client(s.cab.members[2]).post(url).status_code == 403
