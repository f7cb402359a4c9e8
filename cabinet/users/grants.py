"""Separation of duties: a role that reads meeting content, asked for by one admin, takes effect
only when a second admin confirms it (or it comes from the CLI, run by the operator).

An admin alone could otherwise make themself secretariat or chair and read classified papers and
every ballot answer. Every step (asked, confirmed, cancelled) is audited.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.audit import record
from cabinet.db import db, utcnow
from cabinet.errors import InvalidState
from cabinet.users.models import CONTENT_ROLES, Role, RoleGrant, User

PENDING, CONFIRMED, CANCELLED = "pending", "confirmed", "cancelled"


def held_back(roles: Iterable[Role], current: Iterable[Role]) -> set[Role]:
    """The roles among `roles` an admin may not add alone: new ones that read content."""
    return (set(roles) - set(current)) & CONTENT_ROLES


def request_grants(user: User, roles: Iterable[Role], *, actor: User) -> list[RoleGrant]:
    """Ask for content roles for `user`; each waits for another admin (none asked twice)."""
    waiting = {grant.role for grant in pending_grants(user)}
    grants = []
    for role in sorted(set(roles) - waiting):
        grant = RoleGrant(user_id=user.id, role=role, requested_by_id=actor.id, status=PENDING)
        db.session.add(grant)
        grants.append(grant)
    db.session.flush()
    for grant in grants:
        record(
            "user.role_grant_requested",
            user,
            data={"role": str(grant.role), "grant": grant.id},
            actor=actor,
        )
    return grants


def pending_grants(user: User | None = None) -> list[RoleGrant]:
    """Grants still waiting for a second admin (of one person, or everyone's)."""
    query = select(RoleGrant).where(RoleGrant.status == PENDING).order_by(RoleGrant.id)
    if user is not None:
        query = query.where(RoleGrant.user_id == user.id)
    return list(db.session.scalars(query))


def confirm_grant(grant: RoleGrant, *, actor: User) -> None:
    """A second admin confirms: the role is given (never by the admin who asked, nor to oneself)."""
    _ensure_pending(grant)
    if not grant.may_be_decided_by(actor):
        raise InvalidState(
            _l("Quyền này cần một quản trị viên khác (không phải người đề nghị) xác nhận.")
        )
    grant.user.set_roles(grant.user.roles | {grant.role})
    grant.status, grant.decided_by_id, grant.decided_at = CONFIRMED, actor.id, utcnow()
    db.session.flush()
    record(
        "user.role_grant_confirmed",
        grant.user,
        data={"role": str(grant.role), "grant": grant.id, "requested_by": grant.requested_by_id},
        actor=actor,
    )


def cancel_grant(grant: RoleGrant, *, actor: User) -> None:
    """Withdraw or refuse a waiting grant (the asking admin or another may)."""
    _ensure_pending(grant)
    grant.status, grant.decided_by_id, grant.decided_at = CANCELLED, actor.id, utcnow()
    db.session.flush()
    record(
        "user.role_grant_cancelled",
        grant.user,
        data={"role": str(grant.role), "grant": grant.id},
        actor=actor,
    )


def _ensure_pending(grant: RoleGrant) -> None:
    if grant.status != PENDING:
        raise InvalidState(_l("Đề nghị cấp quyền này đã được xử lý."))
