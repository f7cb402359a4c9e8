"""access: at most one open vote per meeting (a partial unique index)

Revision ID: 0002_access
Revises: 0001_initial
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_access"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Two simultaneous `vote.open` calls can no longer both commit."""
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.create_index(
            "uq_polls_one_open_per_meeting",
            ["meeting_id"],
            unique=True,
            sqlite_where=sa.text("state = 'open'"),
            postgresql_where=sa.text("state = 'open'"),
        )


def downgrade() -> None:
    """Drop the index."""
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_index("uq_polls_one_open_per_meeting")
