"""secret votes: sealed ballots, the poll's key pair, published receipt tokens, signed list

Revision ID: 0003_secret_votes
Revises: 0002_records
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_secret_votes"
down_revision = "0002_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "poll_secret_ciphertexts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_poll_secret_ciphertexts_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_secret_ciphertexts")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("poll_secret_ciphertexts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_poll_secret_ciphertexts_poll_id"), ["poll_id"], unique=False
        )
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("sealed_key", sa.Text(), nullable=True))
    with op.batch_alter_table("poll_secret_ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token", sa.String(length=64), nullable=True))
    with op.batch_alter_table("poll_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("verify_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("poll_results", schema=None) as batch_op:
        batch_op.drop_column("verify_key")
        batch_op.drop_column("signature")
    with op.batch_alter_table("poll_secret_ballots", schema=None) as batch_op:
        batch_op.drop_column("token")
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_column("sealed_key")
        batch_op.drop_column("public_key")
    with op.batch_alter_table("poll_secret_ciphertexts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_secret_ciphertexts_poll_id"))
    op.drop_table("poll_secret_ciphertexts")
