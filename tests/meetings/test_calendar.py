"""Issue 16: each person's meetings as a calendar feed at a secret-token URL, parsed with a real
iCalendar library (`icalendar` from PyPI); the token can be renewed and revoked; drafts and
papers never show."""

from __future__ import annotations

import re

import icalendar

from cabinet.db import db
from tests.a11y.test_axe import World
from tests.conftest import sign_in


def test_the_feed_lists_my_meetings_and_parses(app, committed_db, make_cabinet, client):
    world = World(app, make_cabinet(n=5, deputies=1))
    meeting, draft = world.meeting, world.draft
    # A title RFC 5545 must escape (";", ",") and fold (longer than 75 octets).
    meeting.title = "Phiên họp; thường kỳ, tháng 3 — " + "rất dài " * 12
    db.session.commit()
    member = world.member
    sign_in(client, member)
    assert client.get("/meetings/calendar").status_code == 200
    assert client.post("/meetings/calendar/renew").status_code == 302
    url = re.search(
        r'value="(http[^"]+\.ics)"', client.get("/meetings/calendar").get_data(as_text=True)
    ).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]

    outsider = app.test_client()  # a calendar application: no session, only the token
    response = outsider.get("/" + path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    db.session.refresh(meeting)
    assert [str(e["SUMMARY"]) for e in events] == [meeting.title]
    (event,) = events
    assert event.decoded("DTSTART") == meeting.starts_at.replace(microsecond=0)
    assert str(event["LOCATION"]) == meeting.place
    assert str(event["URL"]).endswith(f"/meetings/{meeting.id}")
    text = response.get_data(as_text=True)
    assert draft.title not in text  # drafts are not in anyone's calendar
    assert "mật" not in text.lower().replace(meeting.title.lower(), "")  # no paper titles
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))

    # Renewing: the old URL stops working, the new one answers.
    assert client.post("/meetings/calendar/renew").status_code == 302
    assert outsider.get("/" + path).status_code == 404
    new = re.search(
        r'value="(http[^"]+\.ics)"', client.get("/meetings/calendar").get_data(as_text=True)
    ).group(1)
    assert new != url
    assert outsider.get("/" + new.split("://", 1)[1].split("/", 1)[1]).status_code == 200

    # Revoking: no URL works any more.
    assert client.post("/meetings/calendar/revoke").status_code == 302
    assert outsider.get("/" + new.split("://", 1)[1].split("/", 1)[1]).status_code == 404
    assert "data-calendar-link" not in client.get("/meetings/calendar").get_data(as_text=True)


def test_a_member_not_invited_sees_an_empty_calendar(
    app, committed_db, make_cabinet, make_user, client
):
    world = World(app, make_cabinet(n=3, deputies=0))
    world.meeting  # noqa: B018
    stranger = make_user()
    sign_in(client, stranger)
    client.post("/meetings/calendar/renew")
    url = re.search(
        r'value="(http[^"]+\.ics)"', client.get("/meetings/calendar").get_data(as_text=True)
    ).group(1)
    calendar = icalendar.Calendar.from_ical(
        app.test_client().get("/" + url.split("://", 1)[1].split("/", 1)[1]).data
    )
    assert calendar.walk("VEVENT") == []
