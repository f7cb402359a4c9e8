"""Telling the invitees: an e-mail and an in-app notice when a meeting is published, moved, or
its papers change.

A notice names the meeting and what happened, never a paper: a member who may not read a
restricted paper must not learn its title from a notice. Mails go through the outbox (sent
after the commit, once per key), in each person's language.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from cabinet.config import settings
from cabinet.dates import ui_datetime
from cabinet.db import utcnow
from cabinet.mail import send_mail
from cabinet.realtime import emit_after_commit, user_room
from cabinet.users.models import User
from meetings.models import Meeting, MeetingState

#: What happened, as the notice's headline (mail subject and in-app toast).
HEADLINES = {
    "published": _l("Giấy mời họp: %(title)s"),
    "moved": _l("Thay đổi thời gian, địa điểm họp: %(title)s"),
    "papers": _l("Tài liệu phiên họp đã được cập nhật: %(title)s"),
}
#: Only meetings the invitees already see are worth a notice (drafts are the secretariat's).
NOTIFIED_STATES = (MeetingState.PUBLISHED, MeetingState.IN_SESSION)


def meeting_url(meeting: Meeting) -> str:
    """The absolute link to the meeting's page (e-mails are read outside the app)."""
    return f"{settings().public_url}/meetings/{meeting.id}"


def invitees(meeting: Meeting) -> list[User]:
    """Everyone invited to the meeting, the chair included, each once."""
    people = {p.user_id: p.user for p in meeting.participants if p.user is not None}
    if meeting.chair is not None:
        people.setdefault(meeting.chair.id, meeting.chair)
    return [u for u in people.values() if u.active]


def notify_invitees(meeting: Meeting, kind: str) -> int:
    """Send the `kind` notice ("published", "moved", "papers") to every invitee: a toast on
    every open page and an e-mail. Returns how many people were told."""
    if meeting.state not in NOTIFIED_STATES:
        return 0
    # Paper changes come in bursts (ten uploads before a session): at most one mail an hour.
    stamp = utcnow().strftime("%Y-%m-%dT%H" if kind == "papers" else "%Y-%m-%dT%H:%M:%S")
    if kind == "moved":
        stamp += f":{meeting.starts_at.isoformat()}:{meeting.place}"
    url = meeting_url(meeting)
    people = invitees(meeting)
    for user in people:
        with force_locale(user.locale or "vi"):
            context: dict[str, Any] = {
                "meeting": meeting,
                "user": user,
                "kind": kind,
                "url": url,
                "when": ui_datetime(meeting.starts_at),
                "headline": str(HEADLINES[kind] % {"title": meeting.title}),
            }
            text = render_template("mail/meeting_notice.txt", **context)
            html = render_template("mail/meeting_notice.html", **context)
        send_mail(
            [user.email],
            context["headline"],
            text,
            html,
            key=f"meeting:{meeting.id}:{kind}:{user.id}:{stamp}",
        )
        emit_after_commit(
            "notification",
            {"message": context["headline"], "kind": "info", "url": url},
            room=user_room(user.id),
        )
    return len(people)
