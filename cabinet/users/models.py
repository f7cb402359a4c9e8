"""Users, roles and cabinet seats."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet.db import Base, str_enum, utcnow
from cabinet.glossary import office


class Role(StrEnum):
    """What a person may do; a person can hold several roles."""

    CHAIR = "chair"
    MEMBER = "member"
    DEPUTY = "deputy"
    INVITEE = "invitee"
    SECRETARIAT = "secretariat"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The role's name for people."""
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.CHAIR: _l("Chủ tọa"),
    Role.MEMBER: _l("Thành viên Chính phủ"),
    Role.DEPUTY: _l("Người dự thay"),
    Role.INVITEE: _l("Khách mời"),
    Role.SECRETARIAT: _l("Văn phòng Chính phủ"),
    Role.ADMIN: _l("Quản trị hệ thống"),
}


def new_session_token() -> str:
    """A random token; rotating it signs the user out everywhere."""
    return secrets.token_urlsafe(24)


class User(Base):
    """A person who signs in: minister, secretariat staff, invitee, operator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    ministry: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), unique=True)
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(default=None)

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The id in the session cookie: id plus the session token, so rotating it logs out."""
        return f"{self.id}:{self.session_token}"

    @property
    def roles(self) -> set[Role]:
        """The roles this person holds."""
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        """True when the person holds any of `roles`."""
        return bool(self.roles.intersection(roles))

    def set_roles(self, roles: set[Role]) -> None:
        """Replace the person's roles."""
        current = {row.role: row for row in self.role_rows}
        for role, row in current.items():
            if role not in roles:
                self.role_rows.remove(row)
        for role in roles - set(current):
            self.role_rows.append(UserRole(role=role))

    @property
    def office(self) -> str:
        """Title and ministry in one line ("Bộ trưởng, Bộ Tư pháp"), as every page names a person."""
        return office(self)

    @property
    def role_labels(self) -> list[str]:
        """The person's role names, in the canonical order."""
        return [role.label for role in Role if role in self.roles]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role", length=20))

    user: Mapped[User] = relationship(back_populates="role_rows")


class CabinetSeat(Base):
    """One seat of the cabinet: its holder (a member) and the deputy who may stand in."""

    __tablename__ = "cabinet_seats"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    member: Mapped[User] = relationship(foreign_keys=[member_id], lazy="joined")
    deputy: Mapped[User | None] = relationship(foreign_keys=[deputy_id], lazy="joined")


#: Roles that read meeting content (papers, votes, ballot answers): an admin may not hand them
#: out alone (separation of duties); a second admin confirms, or the CLI grants them.
CONTENT_ROLES = frozenset({Role.SECRETARIAT, Role.CHAIR, Role.MEMBER, Role.DEPUTY, Role.INVITEE})


class RoleGrant(Base):
    """A content-reading role one admin asked to give; it takes effect when another confirms."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role", length=20))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # confirmed | cancelled

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id], lazy="joined")

    def may_be_decided_by(self, admin: User) -> bool:
        """Only an admin other than the one who asked, and other than the person it is for."""
        return (
            admin.has_role(Role.ADMIN)
            and admin.id != self.requested_by_id
            and admin.id != self.user_id
        )
