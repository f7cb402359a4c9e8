"""access: at most one open vote per meeting (a partial unique index)

Revision ID: 0004_access
Revises: 0003_secret_votes
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_access"
down_revision = "0003_secret_votes"
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
