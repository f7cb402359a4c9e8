"""A person's calendar feed: a secret token in a URL a calendar application subscribes to."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cabinet.db import Base, utcnow


def new_feed_token() -> str:
    """A random, unguessable token (the feed's only credential)."""
    return secrets.token_urlsafe(32)


class CalendarFeed(Base):
    """The calendar feed of one person; renewing replaces the token, revoking deletes the row."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_feed_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
