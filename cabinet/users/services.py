"""Accounts and the cabinet membership."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, exists, func, select
from sqlalchemy.orm import aliased

from cabinet.audit import record
from cabinet.auth.sessions import revoke_all_sessions
from cabinet.db import db, utcnow
from cabinet.errors import Conflict, ValidationFailed
from cabinet.eviction import reconnect_user, revoke_user_sockets
from cabinet.users.grants import held_back, request_grants
from cabinet.users.models import CabinetSeat, Role, RoleGrant, User, new_session_token

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

# A real hash of a random value, so unknown e-mails take as long as wrong passwords.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """True when `password` is the user's; constant work whether or not the user exists."""
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


def validate_password(password: str) -> None:
    """Refuse passwords that are too short, with the reason."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            fields={
                "password": [_l("Mật khẩu phải có ít nhất %(n)s ký tự.", n=MIN_PASSWORD_LENGTH)]
            }
        )


def find_user_by_email(email: str) -> User | None:
    """The user with that e-mail (case-insensitive), or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    *,
    name: str,
    email: str,
    password: str,
    roles: Iterable[Role] = (),
    title: str = "",
    ministry: str = "",
    locale: str = "vi",
    actor: User | None = None,
) -> User:
    """Create an account with roles; refuses a duplicate e-mail.

    Created by an admin (not the CLI), content-reading roles wait for a second admin.
    """
    validate_password(password)
    if find_user_by_email(email) is not None:
        raise Conflict(
            _l("Đã có tài khoản dùng địa chỉ e-mail này."),
            fields={"email": [_l("Đã được sử dụng.")]},
        )
    user = User(
        name=name.strip(),
        email=email.strip().lower(),
        password_hash=hash_password(password),
        title=title.strip(),
        ministry=ministry.strip(),
        locale=locale,
    )
    waiting = held_back(roles, ()) if actor is not None else set()
    user.set_roles(set(roles) - waiting)
    db.session.add(user)
    db.session.flush()
    record(
        "user.created", user, data={"email": user.email, "roles": sorted(user.roles)}, actor=actor
    )
    if actor is not None and waiting:
        request_grants(user, waiting, actor=actor)
    return user


def set_user_roles(user: User, roles: set[Role], *, actor: User | None) -> list[RoleGrant]:
    """Change a person's roles (audited with before and after); returns the grants left waiting.

    An admin's (not the CLI's) new content-reading roles wait for a second admin's confirmation.
    """
    waiting = held_back(roles, user.roles) if actor is not None else set()
    roles = set(roles) - waiting
    before = sorted(user.roles)
    user.set_roles(roles)
    db.session.flush()
    if before != sorted(roles):
        record(
            "user.roles_changed", user, data={"before": before, "after": sorted(roles)}, actor=actor
        )
    if set(before) - set(roles):
        # A role taken away may close meetings the person's tablets follow: they reconnect
        # and every room is joined again through the access check.
        reconnect_user(user.id, "role_changed")
    return request_grants(user, waiting, actor=actor) if actor is not None and waiting else []


def set_user_active(user: User, active: bool, *, actor: User | None) -> None:
    """Activate or deactivate; deactivation ends the person's sessions and sockets at once."""
    if user.active == active:
        return
    user.active = active
    if not active:
        user.session_token = new_session_token()
        revoke_user_sockets(user.id)
    db.session.flush()
    record("user.activated" if active else "user.deactivated", user, actor=actor)


def change_password(user: User, current: str, new: str) -> None:
    """Change one's own password; other sessions of that person are signed out."""
    if not check_password(user, current):
        raise ValidationFailed(fields={"current_password": [_l("Mật khẩu hiện tại không đúng.")]})
    validate_password(new)
    if current == new:
        raise ValidationFailed(
            fields={"password": [_l("Mật khẩu mới phải khác mật khẩu hiện tại.")]}
        )
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.session_token = new_session_token()
    db.session.flush()
    record("user.password_changed", user, actor=user)


def end_other_sessions(user: User, *, keep: str | None) -> None:
    """End every session of the person but `keep`, and disconnect their sockets at once.

    The kept session's page reconnects its socket on the next page load.
    """
    revoke_all_sessions(user.id, keep=keep)
    revoke_user_sockets(user.id, "session_ended")


def sign_out_everywhere(user: User) -> None:
    """End every session of the person, on every device, and disconnect every socket."""
    user.session_token = new_session_token()
    revoked = revoke_all_sessions(user.id)
    revoke_user_sockets(user.id, "signed_out")
    db.session.flush()
    record("auth.logout_everywhere", user, data={"sessions": revoked}, actor=user)


def all_members() -> list[User]:
    """The cabinet members (holders of active seats), in protocol order: the base of 'all members'."""
    return list(db.session.scalars(_seated(User)))


def all_member_ids() -> list[int]:
    """The ids of `all_members()`, in the same order, without loading them."""
    return list(db.session.scalars(_seated(User.id)))


def _seated(what: Any) -> Any:
    """`what` of the holders of active seats, in protocol order."""
    return (
        select(what)
        .join(CabinetSeat, CabinetSeat.member_id == User.id)
        .where(CabinetSeat.active.is_(True))
        .order_by(*_by_seat(CabinetSeat))
    )


def _by_seat(seat: Any) -> tuple[Any, ...]:
    """The protocol's order of the holders of `seat` (the seats' model or an alias of it)."""
    return seat.position, seat.id


def in_protocol_order(statement: Any, user_id: Any) -> Any:
    """`statement` ordered as the protocol lists people (`user_id`: its column of person ids):
    the holders of active seats as `all_members()` does, then everyone else by id. The seats
    are outer-joined (a person holds at most one), so the order costs no statement of its own
    (a close ranks 500 entitled voters)."""
    seat = aliased(CabinetSeat)
    return statement.outerjoin(
        seat, and_(seat.member_id == user_id, seat.active.is_(True))
    ).order_by(seat.id.is_(None), *_by_seat(seat), user_id)


def member_count() -> int:
    """How many members the cabinet has (active seats)."""
    return (
        db.session.scalar(select(func.count(CabinetSeat.id)).where(CabinetSeat.active.is_(True)))
        or 0
    )


def _count_and_seat() -> Any:
    active = CabinetSeat.active.is_(True)
    count = select(func.count(CabinetSeat.id)).where(active).scalar_subquery()
    mine = exists().where(CabinetSeat.member_id == bindparam("user_id"), active)
    return select(count, mine)


_COUNT_AND_SEAT = _count_and_seat()


def member_count_and_seat(user: User) -> tuple[int, bool]:
    """`member_count()` and `holds_a_seat(user)` in one statement (a join asks both)."""
    found = db.session.execute(_COUNT_AND_SEAT, {"user_id": user.id}).one()
    return found[0] or 0, bool(found[1])


def holds_a_seat(user: User) -> bool:
    """True for the holder of an active cabinet seat (one id read, no rows built)."""
    found = select(CabinetSeat.id).where(
        CabinetSeat.member_id == user.id, CabinetSeat.active.is_(True)
    )
    return db.session.scalar(found.limit(1)) is not None


def seat_of(user: User) -> CabinetSeat | None:
    """The active seat the user holds, or None."""
    return db.session.scalar(
        select(CabinetSeat).where(CabinetSeat.member_id == user.id, CabinetSeat.active.is_(True))
    )


def deputy_for(user: User) -> CabinetSeat | None:
    """The active seat for which `user` is the designated deputy, or None."""
    return db.session.scalar(
        select(CabinetSeat).where(CabinetSeat.deputy_id == user.id, CabinetSeat.active.is_(True))
    )


def add_seat(
    member: User, *, deputy: User | None = None, position: int | None = None
) -> CabinetSeat:
    """Give `member` a cabinet seat (optionally with a deputy)."""
    if position is None:
        position = (db.session.scalar(select(func.max(CabinetSeat.position))) or 0) + 1
    seat = CabinetSeat(
        member_id=member.id, deputy_id=deputy.id if deputy else None, position=position
    )
    db.session.add(seat)
    db.session.flush()
    record(
        "seat.created", seat, data={"member": member.id, "deputy": deputy.id if deputy else None}
    )
    return seat
