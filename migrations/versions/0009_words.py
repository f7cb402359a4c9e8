"""calendar feeds: one secret-token ICS feed per person (issue 16)

Revision ID: 0009_words
Revises: 0008_console
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_words"
down_revision = "0008_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create calendar_feeds."""
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_calendar_feeds_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token", name=op.f("uq_calendar_feeds_token")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feeds_user_id")),
    )


def downgrade() -> None:
    """Drop calendar_feeds."""
    op.drop_table("calendar_feeds")
