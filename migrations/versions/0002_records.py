"""records: a register number can be voided; a ballot keeps its summary of opinions

- register_entries: voided_at, void_reason, voided_by_id (a decision issued a number but
  never signed);
- ballots: summary_sha256 (the summary rendered once at the conclusion, in the content store).

Revision ID: 0002_records
Revises: 0001_initial
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_records"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the void columns to the register."""
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("voided_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_register_entries_voided_by_id_users"), "users", ["voided_by_id"], ["id"]
        )
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Drop the void columns and the stored summary."""
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_column("summary_sha256")
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_register_entries_voided_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("voided_by_id")
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_at")
