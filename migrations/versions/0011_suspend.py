"""suspended sessions: when an open session was suspended ("tạm dừng") and why

The session's stored state stays `in_session` while it is suspended (attendance, papers and the
current item go on); `suspended_at` set means suspended. No enum changes: nothing to alter on
PostgreSQL, where `meetingstate` is a VARCHAR too.

Revision ID: 0011_suspend
Revises: 0010_live
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_suspend"
down_revision = "0010_live"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add meetings.suspended_at (null: running) and meetings.suspension_reason."""
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column(
                "suspension_reason", sa.String(300), server_default=sa.text("''"), nullable=False
            )
        )


def downgrade() -> None:
    """Drop the suspension columns."""
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("suspension_reason")
        batch.drop_column("suspended_at")
