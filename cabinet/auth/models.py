"""Failed sign-in attempts, the evidence the throttle counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from cabinet.db import Base, utcnow


class LoginFailure(Base):
    """One failed sign-in, keyed by account ("acct:<email>") and by address ("ip:<addr>")."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
