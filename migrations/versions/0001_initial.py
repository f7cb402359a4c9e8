"""initial schema: people and audit, meetings and papers, live session, votes, ballots, records

Revision ID: 0001_initial
Revises:
Create Date: 2026-12-03

One revision for the whole schema as first deployed (the pre-release revisions were squashed);
every later change gets a migration of its own.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table, in dependency order."""
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("object_type", sa.String(length=80), nullable=True),
        sa.Column("object_id", sa.String(length=80), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_log_seq")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_actor_id"), ["actor_id"], unique=False)

    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failures_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failures_key"), ["key"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("ministry", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "cabinet_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deputy_id"], ["users.id"], name=op.f("fk_cabinet_seats_deputy_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["users.id"], name=op.f("fk_cabinet_seats_member_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cabinet_seats")),
        sa.UniqueConstraint("member_id", name=op.f("uq_cabinet_seats_member_id")),
    )
    op.create_table(
        "user_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "chair",
                "member",
                "deputy",
                "invitee",
                "secretariat",
                "admin",
                name="role",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_roles")),
        sa.UniqueConstraint("user_id", "role", name=op.f("uq_user_roles_user_id_role")),
    )
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_roles_user_id"), ["user_id"], unique=False)
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_mail_outbox_key")),
    )
    op.create_table(
        "register_counters",
        sa.Column("doc_type", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("doc_type", "year", name=op.f("pk_register_counters")),
    )
    op.create_table(
        "ballot_approvers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_id"], ["users.id"], name=op.f("fk_ballot_approvers_granted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ballot_approvers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_approvers")),
        sa.UniqueConstraint("user_id", name=op.f("uq_ballot_approvers_user_id")),
    )
    op.create_table(
        "ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("background", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "awaiting_approval",
                "sent",
                "closed",
                "concluded",
                name="ballot_status",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("return_note", sa.Text(), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=False),
        sa.Column("proposal_by_id", sa.Integer(), nullable=True),
        sa.Column("proposal_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_ballots_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_ballots_closed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_ballots_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_by_id"], ["users.id"], name=op.f("fk_ballots_proposal_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballots")),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "regular", "thematic", "urgent", name="meetingkind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column(
            "form",
            sa.Enum(
                "in_room", "online", "hybrid", name="meetingform", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("chair_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "published",
                "in_session",
                "closed",
                "archived",
                name="meetingstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chair_id"], ["users.id"], name=op.f("fk_meetings_chair_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_meetings_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_state"), ["state"], unique=False)

    op.create_table(
        "record_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("secretary", "chair", name="signer_role", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("field_name", sa.String(length=40), nullable=False),
        sa.Column("backend", sa.String(length=10), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256_before", sa.String(length=64), nullable=False),
        sa.Column("sha256_after", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["signer_id"], ["users.id"], name=op.f("fk_record_signatures_signer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_signatures")),
    )
    with op.batch_alter_table("record_signatures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_signatures_sha256_after"), ["sha256_after"], unique=False
        )

    op.create_table(
        "register_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("final_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_register_entries_issued_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_entries")),
        sa.UniqueConstraint(
            "doc_type", "year", "number", name=op.f("uq_register_entries_doc_type_year_number")
        ),
    )
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_register_entries_final_sha256"), ["final_sha256"], unique=False
        )

    op.create_table(
        "signing_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("backend", sa.String(length=10), nullable=False),
        sa.Column("p12_path", sa.String(length=500), nullable=True),
        sa.Column("pkcs11_module", sa.String(length=500), nullable=True),
        sa.Column("token_label", sa.String(length=100), nullable=True),
        sa.Column("slot", sa.Integer(), nullable=True),
        sa.Column("key_label", sa.String(length=100), nullable=True),
        sa.Column("chain_path", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_signing_identities_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_identities")),
        sa.UniqueConstraint("user_id", name=op.f("uq_signing_identities_user_id")),
    )
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "decision",
                "discussion",
                "information",
                name="itemkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("ministry", sa.String(length=300), nullable=False),
        sa.Column("presenter", sa.String(length=300), nullable=False),
        sa.Column("planned_minutes", sa.Integer(), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_agenda_items_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_items_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "ballot_conclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "approved",
                "rejected",
                "revise",
                name="ballot_outcome",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("tally", sa.JSON(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["ballots.id"],
            name=op.f("fk_ballot_conclusions_ballot_id_ballots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_ballot_conclusions_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_conclusions")),
        sa.UniqueConstraint("ballot_id", name=op.f("uq_ballot_conclusions_ballot_id")),
    )
    op.create_table(
        "ballot_papers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("classification", sa.String(length=20), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["ballots.id"],
            name=op.f("fk_ballot_papers_ballot_id_ballots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_ballot_papers_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_papers")),
    )
    with op.batch_alter_table("ballot_papers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_papers_ballot_id"), ["ballot_id"], unique=False)

    op.create_table(
        "ballot_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["ballots.id"],
            name=op.f("fk_ballot_questions_ballot_id_ballots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_questions")),
    )
    with op.batch_alter_table("ballot_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ballot_questions_ballot_id"), ["ballot_id"], unique=False
        )

    op.create_table(
        "ballot_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("votes", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["ballots.id"],
            name=op.f("fk_ballot_recipients_ballot_id_ballots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ballot_recipients_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_recipients")),
        sa.UniqueConstraint(
            "ballot_id", "user_id", name=op.f("uq_ballot_recipients_ballot_id_user_id")
        ),
    )
    with op.batch_alter_table("ballot_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ballot_recipients_ballot_id"), ["ballot_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ballot_recipients_user_id"), ["user_id"], unique=False)

    op.create_table(
        "ballot_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["ballots.id"],
            name=op.f("fk_ballot_reminders_ballot_id_ballots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_ballot_reminders_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ballot_reminders_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_reminders")),
        sa.UniqueConstraint(
            "ballot_id", "user_id", "kind", name=op.f("uq_ballot_reminders_ballot_id_user_id_kind")
        ),
    )
    with op.batch_alter_table("ballot_reminders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ballot_reminders_ballot_id"), ["ballot_id"], unique=False
        )

    op.create_table(
        "ballot_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "submitted", name="ballot_response_status", native_enum=False, length=30
            ),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["ballots.id"],
            name=op.f("fk_ballot_responses_ballot_id_ballots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ballot_responses_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_responses")),
        sa.UniqueConstraint(
            "ballot_id", "user_id", name=op.f("uq_ballot_responses_ballot_id_user_id")
        ),
    )
    with op.batch_alter_table("ballot_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ballot_responses_ballot_id"), ["ballot_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ballot_responses_user_id"), ["user_id"], unique=False)

    op.create_table(
        "board_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("built_by_id", sa.Integer(), nullable=True),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("build_seconds", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["built_by_id"],
            ["users.id"],
            name=op.f("fk_board_packs_built_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_board_packs_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_packs")),
        sa.UniqueConstraint("key", name=op.f("uq_board_packs_key")),
    )
    with op.batch_alter_table("board_packs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_packs_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "decision_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "resolution", "ballot_decision", name="decision_kind", native_enum=False, length=30
            ),
            nullable=False,
        ),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("ballot_id", sa.Integer(), nullable=True),
        sa.Column("doc_type", sa.String(length=10), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "circulated",
                "final",
                "issued",
                "signed_by_secretary",
                "locked",
                name="record_state",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=True),
        sa.Column("chair_id", sa.Integer(), nullable=True),
        sa.Column("register_entry_id", sa.Integer(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["ballots.id"],
            name=op.f("fk_decision_records_ballot_id_ballots"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["chair_id"], ["users.id"], name=op.f("fk_decision_records_chair_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_decision_records_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_decision_records_meeting_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["register_entry_id"],
            ["register_entries.id"],
            name=op.f("fk_decision_records_register_entry_id_register_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"], ["users.id"], name=op.f("fk_decision_records_secretary_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_records")),
    )
    with op.batch_alter_table("decision_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decision_records_ballot_id"), ["ballot_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_decision_records_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "live_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "presence",
            sa.Enum("present", "absent", name="presence", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "mode",
            sa.Enum("in_room", "remote", name="attendancemode", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("with_leave", sa.Boolean(), nullable=False),
        sa.Column("leave_reason", sa.String(length=300), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=True),
        sa.Column("deputy_present", sa.Boolean(), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deputy_id"], ["users.id"], name=op.f("fk_live_attendance_deputy_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["marked_by_id"], ["users.id"], name=op.f("fk_live_attendance_marked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_live_attendance_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_live_attendance_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_attendance")),
        sa.UniqueConstraint(
            "meeting_id", "user_id", name=op.f("uq_live_attendance_meeting_id_user_id")
        ),
    )
    with op.batch_alter_table("live_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_attendance_deputy_id"), ["deputy_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_live_attendance_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_live_attendance_user_id"), ["user_id"], unique=False)

    op.create_table(
        "meeting_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "member",
                "invitee",
                "secretariat",
                name="participantrole",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_participants_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_meeting_participants_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_participants")),
        sa.UniqueConstraint(
            "meeting_id", "user_id", name=op.f("uq_meeting_participants_meeting_id_user_id")
        ),
    )
    with op.batch_alter_table("meeting_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_participants_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_participants_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "circulated",
                "final",
                "issued",
                "signed_by_secretary",
                "locked",
                name="record_state",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=True),
        sa.Column("chair_id", sa.Integer(), nullable=True),
        sa.Column("register_entry_id", sa.Integer(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("circulated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finalized_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["chair_id"], ["users.id"], name=op.f("fk_minutes_chair_id_users")),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_minutes_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["register_entry_id"],
            ["register_entries.id"],
            name=op.f("fk_minutes_register_entry_id_register_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"], ["users.id"], name=op.f("fk_minutes_secretary_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_minutes_meeting_id")),
    )
    op.create_table(
        "agenda_item_invitees",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agenda_items.id"],
            name=op.f("fk_agenda_item_invitees_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_agenda_item_invitees_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "user_id", name=op.f("pk_agenda_item_invitees")),
    )
    op.create_table(
        "ballot_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column(
            "choice",
            sa.Enum(
                "agree",
                "disagree",
                "other",
                name="ballot_answer_choice",
                native_enum=False,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("file_mime", sa.String(length=100), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["ballot_questions.id"],
            name=op.f("fk_ballot_answers_question_id_ballot_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["ballot_responses.id"],
            name=op.f("fk_ballot_answers_response_id_ballot_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_answers")),
        sa.UniqueConstraint(
            "response_id", "question_id", name=op.f("uq_ballot_answers_response_id_question_id")
        ),
    )
    with op.batch_alter_table("ballot_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ballot_answers_response_id"), ["response_id"], unique=False
        )

    op.create_table(
        "ballot_response_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("submitted", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_ballot_response_revisions_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["ballot_responses.id"],
            name=op.f("fk_ballot_response_revisions_response_id_ballot_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_response_revisions")),
        sa.UniqueConstraint(
            "response_id", "number", name=op.f("uq_ballot_response_revisions_response_id_number")
        ),
    )
    with op.batch_alter_table("ballot_response_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ballot_response_revisions_response_id"), ["response_id"], unique=False
        )

    op.create_table(
        "live_item_progress",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("elapsed_seconds", sa.Integer(), nullable=False),
        sa.Column("running_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("list_closed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agenda_items.id"],
            name=op.f("fk_live_item_progress_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_live_item_progress_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_live_item_progress")),
    )
    with op.batch_alter_table("live_item_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_item_progress_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "live_sessions",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("current_item_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["current_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_live_sessions_current_item_id_agenda_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_live_sessions_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_live_sessions")),
    )
    op.create_table(
        "live_speaking_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "capacity",
            sa.Enum(
                "chair",
                "member",
                "deputy",
                "invitee",
                name="speakercapacity",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("for_member_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "waiting",
                "speaking",
                "done",
                "withdrawn",
                "removed",
                name="speakerstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("floor_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["for_member_id"],
            ["users.id"],
            name=op.f("fk_live_speaking_requests_for_member_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agenda_items.id"],
            name=op.f("fk_live_speaking_requests_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_live_speaking_requests_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_live_speaking_requests_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_speaking_requests")),
    )
    with op.batch_alter_table("live_speaking_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_speaking_requests_item_id"), ["item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_live_speaking_requests_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_live_speaking_requests_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "minutes_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_minutes_comments_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["minutes_id"],
            ["minutes.id"],
            name=op.f("fk_minutes_comments_minutes_id_minutes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_minutes_comments_resolved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_comments")),
    )
    op.create_table(
        "minutes_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_minutes_revisions_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["minutes_id"],
            ["minutes.id"],
            name=op.f("fk_minutes_revisions_minutes_id_minutes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_revisions")),
        sa.UniqueConstraint(
            "minutes_id", "number", name=op.f("uq_minutes_revisions_minutes_id_number")
        ),
    )
    op.create_table(
        "papers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column(
            "classification",
            sa.Enum(
                "normal",
                "restricted",
                "secret",
                name="classification",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agenda_items.id"],
            name=op.f("fk_papers_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"], ["users.id"], name=op.f("fk_papers_withdrawn_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_papers")),
    )
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_papers_item_id"), ["item_id"], unique=False)

    op.create_table(
        "polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("open", "secret", name="pollkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum("open", "closed", name="pollstate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("all_members", sa.Integer(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["chair_id"], ["users.id"], name=op.f("fk_polls_chair_id_users")),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_polls_closed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agenda_items.id"],
            name=op.f("fk_polls_item_id_agenda_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_polls_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_polls_opened_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
    )
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_polls_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_polls_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_polls_state"), ["state"], unique=False)

    op.create_table(
        "paper_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("page >= 1", name=op.f("ck_paper_notes_page_positive")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_paper_notes_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_paper_notes_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_notes")),
    )
    with op.batch_alter_table("paper_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_paper_notes_author_paper_page", ["author_id", "paper_id", "page"], unique=False
        )

    op.create_table(
        "paper_readers",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_paper_readers_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_paper_readers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("paper_id", "user_id", name=op.f("pk_paper_readers")),
    )
    op.create_table(
        "paper_reads",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_paper_reads_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_paper_reads_user_id_users")
        ),
        sa.PrimaryKeyConstraint("paper_id", "user_id", name=op.f("pk_paper_reads")),
    )
    op.create_table(
        "paper_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=150), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_paper_versions_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_paper_versions_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_versions")),
        sa.UniqueConstraint("paper_id", "number", name=op.f("uq_paper_versions_paper_id_number")),
    )
    with op.batch_alter_table("paper_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_paper_versions_paper_id"), ["paper_id"], unique=False)
    # papers <-> paper_versions point at each other: the second link comes once both exist
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_papers_current_version",
            "paper_versions",
            ["current_version_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "poll_eligible",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_poll_eligible_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_poll_eligible_user_id_users")
        ),
        sa.PrimaryKeyConstraint("poll_id", "user_id", name=op.f("pk_poll_eligible")),
    )
    op.create_table(
        "poll_open_casts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=False),
        sa.Column(
            "choice",
            sa.Enum(
                "approve", "disapprove", "abstain", name="choice", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_poll_open_casts_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["voter_id"], ["users.id"], name=op.f("fk_poll_open_casts_voter_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_open_casts")),
        sa.UniqueConstraint(
            "poll_id", "client_id", name=op.f("uq_poll_open_casts_poll_id_client_id")
        ),
    )
    with op.batch_alter_table("poll_open_casts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_poll_open_casts_poll_voter", ["poll_id", "voter_id"], unique=False
        )

    op.create_table(
        "poll_results",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("approve", sa.Integer(), nullable=False),
        sa.Column("disapprove", sa.Integer(), nullable=False),
        sa.Column("abstain", sa.Integer(), nullable=False),
        sa.Column("not_voted", sa.Integer(), nullable=False),
        sa.Column("eligible_count", sa.Integer(), nullable=False),
        sa.Column("base", sa.Integer(), nullable=False),
        sa.Column("required", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("decided_by", sa.String(length=20), nullable=False),
        sa.Column("tie_break", sa.String(length=20), nullable=True),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("all_members", sa.Integer(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("entitled", sa.JSON(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_poll_results_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("poll_id", name=op.f("pk_poll_results")),
    )
    op.create_table(
        "poll_secret_ballots",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column(
            "choice",
            sa.Enum(
                "approve", "disapprove", "abstain", name="choice", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_poll_secret_ballots_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_secret_ballots")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("poll_secret_ballots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_poll_secret_ballots_poll_id"), ["poll_id"], unique=False
        )

    op.create_table(
        "poll_secret_voters",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_poll_secret_voters_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["voter_id"], ["users.id"], name=op.f("fk_poll_secret_voters_voter_id_users")
        ),
        sa.PrimaryKeyConstraint("poll_id", "voter_id", name=op.f("pk_poll_secret_voters")),
    )


def downgrade() -> None:
    """Drop every table, in reverse dependency order."""
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.drop_constraint("fk_papers_current_version", type_="foreignkey")
    op.drop_table("poll_secret_voters")
    with op.batch_alter_table("poll_secret_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_secret_ballots_poll_id"))

    op.drop_table("poll_secret_ballots")
    op.drop_table("poll_results")
    with op.batch_alter_table("poll_open_casts", schema=None) as batch_op:
        batch_op.drop_index("ix_poll_open_casts_poll_voter")

    op.drop_table("poll_open_casts")
    op.drop_table("poll_eligible")
    with op.batch_alter_table("paper_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_versions_paper_id"))

    op.drop_table("paper_versions")
    op.drop_table("paper_reads")
    op.drop_table("paper_readers")
    with op.batch_alter_table("paper_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_paper_notes_author_paper_page")

    op.drop_table("paper_notes")
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_polls_state"))
        batch_op.drop_index(batch_op.f("ix_polls_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_polls_item_id"))

    op.drop_table("polls")
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_papers_item_id"))

    op.drop_table("papers")
    op.drop_table("minutes_revisions")
    op.drop_table("minutes_comments")
    with op.batch_alter_table("live_speaking_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_speaking_requests_user_id"))
        batch_op.drop_index(batch_op.f("ix_live_speaking_requests_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_live_speaking_requests_item_id"))

    op.drop_table("live_speaking_requests")
    op.drop_table("live_sessions")
    with op.batch_alter_table("live_item_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_item_progress_meeting_id"))

    op.drop_table("live_item_progress")
    with op.batch_alter_table("ballot_response_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_response_revisions_response_id"))

    op.drop_table("ballot_response_revisions")
    with op.batch_alter_table("ballot_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_answers_response_id"))

    op.drop_table("ballot_answers")
    op.drop_table("agenda_item_invitees")
    op.drop_table("minutes")
    with op.batch_alter_table("meeting_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_participants_user_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_participants_meeting_id"))

    op.drop_table("meeting_participants")
    with op.batch_alter_table("live_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_attendance_user_id"))
        batch_op.drop_index(batch_op.f("ix_live_attendance_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_live_attendance_deputy_id"))

    op.drop_table("live_attendance")
    with op.batch_alter_table("decision_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_records_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_decision_records_ballot_id"))

    op.drop_table("decision_records")
    with op.batch_alter_table("board_packs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_packs_meeting_id"))

    op.drop_table("board_packs")
    with op.batch_alter_table("ballot_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_responses_user_id"))
        batch_op.drop_index(batch_op.f("ix_ballot_responses_ballot_id"))

    op.drop_table("ballot_responses")
    with op.batch_alter_table("ballot_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_reminders_ballot_id"))

    op.drop_table("ballot_reminders")
    with op.batch_alter_table("ballot_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_recipients_user_id"))
        batch_op.drop_index(batch_op.f("ix_ballot_recipients_ballot_id"))

    op.drop_table("ballot_recipients")
    with op.batch_alter_table("ballot_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_questions_ballot_id"))

    op.drop_table("ballot_questions")
    with op.batch_alter_table("ballot_papers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_papers_ballot_id"))

    op.drop_table("ballot_papers")
    op.drop_table("ballot_conclusions")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_items_meeting_id"))

    op.drop_table("agenda_items")
    op.drop_table("signing_identities")
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_register_entries_final_sha256"))

    op.drop_table("register_entries")
    with op.batch_alter_table("record_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_signatures_sha256_after"))

    op.drop_table("record_signatures")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_state"))
        batch_op.drop_index(batch_op.f("ix_meetings_starts_at"))

    op.drop_table("meetings")
    op.drop_table("ballots")
    op.drop_table("ballot_approvers")
    op.drop_table("register_counters")
    op.drop_table("mail_outbox")
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_roles_user_id"))

    op.drop_table("user_roles")
    op.drop_table("cabinet_seats")
    op.drop_table("users")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_key"))
        batch_op.drop_index(batch_op.f("ix_login_failures_at"))

    op.drop_table("login_failures")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
    op.drop_table("audit_head")
