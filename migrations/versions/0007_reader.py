"""follow the presenter (presentations) and comments on draft papers (paper_comments)

Revision ID: 0007_reader
Revises: 0006_motions
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_reader"
down_revision = "0006_motions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create presentations and paper_comments."""
    op.create_table(
        "presentations",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("presenter_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("page >= 1", name=op.f("ck_presentations_page_positive")),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_presentations_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_presentations_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["presenter_id"],
            ["users.id"],
            name=op.f("fk_presentations_presenter_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_presentations")),
    )
    op.create_table(
        "paper_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("page >= 1", name=op.f("ck_paper_comments_page_positive")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_paper_comments_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_paper_comments_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_comments")),
    )
    with op.batch_alter_table("paper_comments", schema=None) as batch_op:
        batch_op.create_index("ix_paper_comments_paper_page", ["paper_id", "page"], unique=False)


def downgrade() -> None:
    """Drop paper_comments and presentations."""
    with op.batch_alter_table("paper_comments", schema=None) as batch_op:
        batch_op.drop_index("ix_paper_comments_paper_page")
    op.drop_table("paper_comments")
    op.drop_table("presentations")
