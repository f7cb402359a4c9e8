"""Signatures placed on records, each signer's key store, and the refusals of signing."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cabinet.db import Base, str_enum, utcnow
from cabinet.errors import Forbidden, InvalidState
from cabinet.users.models import User
from records.models.lifecycle import SignerRole


class SigningOutOfOrder(InvalidState):
    code = "record.signing_order"
    default_message = _l("Chưa đến lượt ký của bạn.")


class NotTheSigner(Forbidden):
    code = "record.not_signer"
    default_message = _l("Bạn không phải người ký văn bản này.")


class SigningRefused(InvalidState):
    code = "record.signing_failed"
    default_message = _l("Không ký được văn bản.")


class SignatureEvent(Base):
    """A signature placed on a record: who, in which capacity, the file before and after."""

    __tablename__ = "record_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(sa.String(20))
    record_id: Mapped[int]
    role: Mapped[SignerRole] = mapped_column(str_enum(SignerRole, "signer_role"))
    signer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    field_name: Mapped[str] = mapped_column(sa.String(40))
    backend: Mapped[str] = mapped_column(sa.String(10))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    sha256_before: Mapped[str] = mapped_column(sa.String(64))
    sha256_after: Mapped[str] = mapped_column(sa.String(64), index=True)

    signer: Mapped[User] = relationship()


class SigningIdentity(Base):
    """Where a person's signing key lives: a PKCS#12 file (default) or a PKCS#11 token."""

    __tablename__ = "signing_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    backend: Mapped[str] = mapped_column(sa.String(10), default="pkcs12")
    p12_path: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    pkcs11_module: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    token_label: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    slot: Mapped[int | None] = mapped_column(nullable=True)
    key_label: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    #: PEM file with the issuing chain when the token holds only the end-entity certificate.
    chain_path: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)

    user: Mapped[User] = relationship()
