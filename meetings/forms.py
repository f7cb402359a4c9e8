"""The secretariat's HTML forms for meetings and agenda items: choices, values, errors.

The posted data is validated by the same marshmallow schemas as the API
(`MeetingInputSchema`, `AgendaItemInputSchema`); these helpers only fill and re-show a form.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from sqlalchemy import select

from cabinet.dates import short
from cabinet.db import db
from cabinet.errors import ValidationFailed
from cabinet.users.models import Role, User
from cabinet.users.services import all_members
from meetings.models import AgendaItem, ItemKind, Meeting, MeetingForm, MeetingKind, ParticipantRole

FORM_TIME = "%Y-%m-%dT%H:%M"  # an <input type="datetime-local"> value


def people_choices() -> dict[str, list[User]]:
    """Choices for the invitation lists: the cabinet members, then everyone else active."""
    members = all_members()
    member_ids = {u.id for u in members}
    others = [
        u
        for u in db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
        if u.id not in member_ids
    ]
    return {"members": members, "others": others, "reader_groups": reader_groups(members, others)}


def reader_groups(members: list[User], others: list[User]) -> list[tuple[Any, list[User]]]:
    """Who may be named as a reader of a classified paper, grouped as the secretariat thinks of
    them: members, deputies, the secretariat's staff, invitees. Accounts that only operate the
    system (admins) read no papers and are not offered."""
    groups: list[tuple[Any, list[User]]] = [(Role.MEMBER.label, members)]
    for role in (Role.DEPUTY, Role.SECRETARIAT, Role.INVITEE):
        found = [u for u in others if role in u.roles]
        others = [u for u in others if role not in u.roles]
        groups.append((role.label, found))
    return [(label, people) for label, people in groups if people]


def form_errors(error: ValidationFailed) -> dict[str, list[str]]:
    """The refusal's messages by field, after undoing what the service had begun.

    The rollback also matters when the view answers with a redirect (a success status, which
    the request's unit of work would commit).
    """
    db.session.rollback()
    fields = {k: [str(m) for m in v] for k, v in (error.fields or {}).items()}
    if not fields:
        fields["_schema"] = [str(error.message)]
    return fields


def posted_values() -> dict[str, Any]:
    """The posted form, re-shown after a refusal (ids as integers)."""
    values = request.form.to_dict()
    for name in ("member_ids", "invitee_ids"):
        values[name] = [int(v) for v in request.form.getlist(name) if v.isdigit()]
    if values.get("chair_id", "").isdigit():
        values["chair_id"] = int(values["chair_id"])
    return values


def meeting_form(meeting: Meeting | None, values: dict, errors: dict, status: int = 200) -> Any:
    """The meeting form page (new or edit) with `values` and `errors`."""
    people = people_choices()
    chairs = [u for u in people["members"] if u.has_role(Role.CHAIR)] or people["members"]
    return (
        render_template(
            "meetings/meeting_form.html",
            meeting=meeting,
            values=values,
            errors=errors,
            kinds=list(MeetingKind),
            forms=list(MeetingForm),
            chair_options=[(u.id, f"{u.name} — {u.title}" if u.title else u.name) for u in chairs],
            **people,
        ),
        status,
    )


def meeting_values(meeting: Meeting | None) -> dict[str, Any]:
    """A meeting's current values for its form (defaults for a new one)."""
    if meeting is None:
        members = [u.id for u in all_members()]
        return {"kind": "regular", "form": "in_room", "member_ids": members, "invitee_ids": []}
    return {
        "kind": str(meeting.kind),
        "title": meeting.title,
        "number": meeting.number,
        "starts_at": short(meeting.starts_at, FORM_TIME),
        "ends_at": short(meeting.ends_at, FORM_TIME),
        "place": meeting.place,
        "form": str(meeting.form),
        "chair_id": meeting.chair_id,
        "member_ids": [p.user_id for p in meeting.participants if p.role == ParticipantRole.MEMBER],
        "invitee_ids": [
            p.user_id for p in meeting.participants if p.role == ParticipantRole.INVITEE
        ],
    }


def item_form(
    meeting: Meeting, item: AgendaItem | None, values: dict, errors: dict, status: int = 200
) -> Any:
    """The agenda item form page (new or edit) with `values` and `errors`."""
    return (
        render_template(
            "meetings/item_form.html",
            meeting=meeting,
            item=item,
            values=values,
            errors=errors,
            kinds=list(ItemKind),
            **people_choices(),
        ),
        status,
    )


def item_values(item: AgendaItem | None) -> dict[str, Any]:
    """An item's current values for its form (defaults for a new one)."""
    if item is None:
        return {"kind": "decision", "planned_minutes": 15, "invitee_ids": []}
    return {
        "title": item.title,
        "summary": item.summary,
        "kind": str(item.kind),
        "ministry": item.ministry,
        "presenter": item.presenter,
        "planned_minutes": item.planned_minutes,
        "restricted": item.restricted,
        "invitee_ids": [u.id for u in item.invitees],
    }
