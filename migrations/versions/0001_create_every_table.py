"""create every table

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:05:41.429243
"""

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum("organizer", "conductor", name="userrole", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "active", "closed", name="projectstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("notice_name", sa.String(length=300), nullable=False),
        sa.Column("notice_act", sa.String(length=300), nullable=False),
        sa.Column("proposing_body", sa.String(length=300), nullable=False),
        sa.Column("territory", sa.String(length=300), nullable=False),
        sa.Column("third_sector_types", sa.JSON(), nullable=False),
        sa.Column("motivation", sa.Text(), nullable=False),
        sa.Column("requested_activities", sa.Text(), nullable=False),
        sa.Column("public_resources_eur", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("public_resources_monetary", sa.Text(), nullable=False),
        sa.Column("public_resources_in_kind", sa.Text(), nullable=False),
        sa.Column("third_sector_cofunding_eur", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("third_sector_cofunding", sa.Text(), nullable=False),
        sa.Column("procedure_steps", sa.Text(), nullable=False),
        sa.Column("table_coordination", sa.Text(), nullable=False),
        sa.Column("participant_selection", sa.Text(), nullable=False),
        sa.Column("conflict_handling", sa.Text(), nullable=False),
        sa.Column("strengths", sa.Text(), nullable=False),
        sa.Column("weaknesses", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_projects_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    op.create_table(
        "boards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "context",
                "stakeholders",
                "theory_of_change",
                "social_reporting",
                "free",
                name="boardkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("compacted_seq", sa.BigInteger(), nullable=False),
        sa.Column("live_items", sa.Integer(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_boards_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boards")),
    )
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_boards_project_id"), ["project_id"], unique=False)

    op.create_table(
        "project_conductors",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_conductors_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_project_conductors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "user_id", name=op.f("pk_project_conductors")),
    )
    op.create_table(
        "board_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("change_id", sa.String(length=80), nullable=False),
        sa.Column("client_id", sa.String(length=40), nullable=False),
        sa.Column("author", sa.String(length=32), nullable=False),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.Column("ops", sa.JSON(), nullable=False),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_board_changes_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_changes")),
        sa.UniqueConstraint("board_id", "change_id", name="uq_board_changes_board_change_id"),
        sa.UniqueConstraint("board_id", "seq", name="uq_board_changes_board_seq"),
    )
    op.create_table(
        "board_item_links",
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_board_item_links_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "board_id", "source_id", "target_id", name=op.f("pk_board_item_links")
        ),
    )
    with op.batch_alter_table("board_item_links", schema=None) as batch_op:
        batch_op.create_index("ix_board_item_links_target", ["board_id", "target_id"], unique=False)

    op.create_table(
        "board_items",
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_seq", sa.BigInteger(), nullable=False),
        sa.Column("deleted_seq", sa.BigInteger(), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_board_items_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("board_id", "item_id", name=op.f("pk_board_items")),
    )
    with op.batch_alter_table("board_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_board_items_board_updated", ["board_id", "updated_seq"], unique=False
        )

    op.create_table(
        "board_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "checkpoint",
                "named",
                "phase",
                "session",
                name="snapshotkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_board_snapshots_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_snapshots")),
    )
    with op.batch_alter_table("board_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_snapshots_board_id"), ["board_id"], unique=False)

    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column(
            "role",
            sa.Enum("participant", "observer", name="inviterole", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["board_id"], ["boards.id"], name=op.f("fk_invites_board_id_boards"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_invites_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_invites_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("code", name=op.f("uq_invites_code")),
        sa.UniqueConstraint("token", name=op.f("uq_invites_token")),
    )
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invites_project_id"), ["project_id"], unique=False)

    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invite_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("removed_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invite_id"],
            ["invites.id"],
            name=op.f("fk_participants_invite_id_invites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_participants_invite_id"), ["invite_id"], unique=False)

    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.String(length=43), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "(user_id IS NULL) <> (participant_id IS NULL)",
            name=op.f("ck_auth_sessions_exactly_one_principal"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_auth_sessions_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_auth_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
    )
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_auth_sessions_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_auth_sessions_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_sessions_user_id"))
        batch_op.drop_index(batch_op.f("ix_auth_sessions_participant_id"))

    op.drop_table("auth_sessions")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participants_invite_id"))

    op.drop_table("participants")
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invites_project_id"))

    op.drop_table("invites")
    with op.batch_alter_table("board_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_snapshots_board_id"))

    op.drop_table("board_snapshots")
    with op.batch_alter_table("board_items", schema=None) as batch_op:
        batch_op.drop_index("ix_board_items_board_updated")

    op.drop_table("board_items")
    with op.batch_alter_table("board_item_links", schema=None) as batch_op:
        batch_op.drop_index("ix_board_item_links_target")

    op.drop_table("board_item_links")
    op.drop_table("board_changes")
    op.drop_table("project_conductors")
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_boards_project_id"))

    op.drop_table("boards")
    op.drop_table("projects")
    op.drop_table("users")
