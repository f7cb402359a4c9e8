"""prepared motions and amendments (a vote points at its motion); room screen display tokens

Revision ID: 0006_motions
Revises: 0005_sessions
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_motions"
down_revision = "0005_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create motions and display_tokens; add polls.motion_id."""
    op.create_table(
        "motions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum("motion", "amendment", name="motionkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_motions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agenda_items.id"],
            name=op.f("fk_motions_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["motions.id"],
            name=op.f("fk_motions_parent_id_motions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_motions")),
    )
    with op.batch_alter_table("motions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_motions_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_motions_parent_id"), ["parent_id"], unique=False)

    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("motion_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_polls_motion_id"), ["motion_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_polls_motion_id_motions"),
            "motions",
            ["motion_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "display_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_display_tokens_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_display_tokens_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_display_tokens_revoked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_display_tokens")),
        sa.UniqueConstraint("digest", name=op.f("uq_display_tokens_digest")),
    )
    with op.batch_alter_table("display_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_display_tokens_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade() -> None:
    """Drop display_tokens, polls.motion_id and motions."""
    with op.batch_alter_table("display_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_display_tokens_meeting_id"))
    op.drop_table("display_tokens")
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_polls_motion_id_motions"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_polls_motion_id"))
        batch_op.drop_column("motion_id")
    with op.batch_alter_table("motions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_motions_parent_id"))
        batch_op.drop_index(batch_op.f("ix_motions_item_id"))
    op.drop_table("motions")
