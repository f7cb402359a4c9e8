"""meeting revisions: the number every broadcast and heartbeat carries

Revision ID: 0010_live
Revises: 0009_words
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_live"
down_revision = "0009_words"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add meetings.revision (0 for every existing meeting)."""
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(
            sa.Column("revision", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )


def downgrade() -> None:
    """Drop meetings.revision."""
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("revision")
