"""speaking-time limit per speaker: a default for the session and one per item

Revision ID: 0008_console
Revises: 0007_reader
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_console"
down_revision = "0007_reader"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add speaking_seconds to live_sessions and live_item_progress."""
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("speaking_seconds", sa.Integer(), nullable=True))
    with op.batch_alter_table("live_item_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("speaking_seconds", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop the two columns."""
    with op.batch_alter_table("live_item_progress", schema=None) as batch_op:
        batch_op.drop_column("speaking_seconds")
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.drop_column("speaking_seconds")
