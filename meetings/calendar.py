"""A person's meetings as an iCalendar feed (RFC 5545) at a secret-token URL.

The token is the feed's only credential (calendar applications cannot sign in): it can be
renewed (the old URL stops working) or revoked from the calendar page. The feed lists the
meetings the person may see on "my meetings" (drafts never); each event carries the title,
time and place, and a link back, never a paper's title (classification is respected by saying
nothing about papers at all).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from cabinet.audit import record
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.permissions import login_required_route, public_route
from cabinet.users import current_person
from cabinet.users.models import User
from meetings.models import CalendarFeed, Meeting
from meetings.models.calendar import new_feed_token
from meetings.queries import my_meetings

bp = Blueprint("calendar", __name__)
DEFAULT_LENGTH = timedelta(hours=3)  # a meeting without a planned end


def _text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 §3.3.11 asks."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def calendar_ics(user: User, now: datetime | None = None) -> str:
    """The person's meetings (not drafts) as an iCalendar document."""
    now = now or utcnow()
    base = settings().public_url
    groups = my_meetings(user)
    meetings: list[Meeting] = groups["in_session"] + groups["upcoming"] + groups["past"]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//e-Cabinet//Lich hop//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(_('Lịch họp Chính phủ'))}",
    ]
    for meeting in meetings:
        ends = meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH
        url = f"{base}{url_for('meetings.detail', meeting_id=meeting.id)}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{meeting.id}@{base.split('://', 1)[-1]}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(meeting.starts_at)}",
            f"DTEND:{_stamp(ends)}",
            f"SUMMARY:{_text(meeting.title)}",
            f"LOCATION:{_text(meeting.place or '')}",
            f"URL:{url}",
            f"DESCRIPTION:{_text(url)}",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def feed_of(user: User) -> CalendarFeed | None:
    """The person's feed, if they made one."""
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def renew_feed(user: User) -> CalendarFeed:
    """Make the person's feed, or give it a new token (the old URL stops working)."""
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    else:
        feed.token = new_feed_token()
        feed.created_at = utcnow()
    db.session.flush()
    record("calendar.renewed", None, actor=user)
    return feed


def revoke_feed(user: User) -> None:
    """Delete the person's feed: its URL answers 404 from now on."""
    feed = feed_of(user)
    if feed is not None:
        db.session.delete(feed)
        db.session.flush()
        record("calendar.revoked", None, actor=user)


@bp.get("/calendar/<token>.ics")
@public_route
def feed(token: str):
    """The feed itself, for calendar applications (the token is the credential)."""
    found = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
    if found is None:
        abort(404)
    user = db.session.get(User, found.user_id)
    if user is None or not user.active:
        abort(404)
    response = Response(calendar_ics(user), mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/meetings/calendar")
@login_required_route
def page():
    """Where a person makes, renews or revokes their calendar link."""
    current = feed_of(current_person())
    link = url_for("calendar.feed", token=current.token, _external=False) if current else None
    return render_template(
        "meetings/calendar.html", link=f"{settings().public_url}{link}" if link else None
    )


@bp.post("/meetings/calendar/renew")
@login_required_route
def renew():
    """Make or renew the link."""
    renew_feed(current_person())
    flash(_("Đã tạo liên kết lịch mới; liên kết cũ (nếu có) không còn dùng được."), "success")
    return redirect(url_for("calendar.page"))


@bp.post("/meetings/calendar/revoke")
@login_required_route
def revoke():
    """Revoke the link."""
    revoke_feed(current_person())
    flash(_("Đã thu hồi liên kết lịch."), "success")
    return redirect(url_for("calendar.page"))
