"""practice library: catalogued materials, their attachments, and case histories

Revision ID: 0006_practice_library
Revises: 0005_registrations
Create Date: 2026-11-30 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0006_practice_library"
down_revision = "0005_registrations"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "library_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "normative",
                "administrative",
                "methodological",
                name="materialkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("issued_year", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("stored_name", sa.String(length=43), nullable=True),
        sa.Column("file_type", sa.String(length=8), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_library_materials_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_materials")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_library_materials_stored_name")),
    )
    op.create_table(
        "library_material_tags",
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["library_materials.id"],
            name=op.f("fk_library_material_tags_material_id_library_materials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("material_id", "tag", name=op.f("pk_library_material_tags")),
    )
    with op.batch_alter_table("library_material_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_library_material_tags_tag"), ["tag"], unique=False)

    op.create_table(
        "library_material_projects",
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("attached_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["library_materials.id"],
            name=op.f("fk_library_material_projects_material_id_library_materials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_library_material_projects_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "material_id", "project_id", name=op.f("pk_library_material_projects")
        ),
    )
    with op.batch_alter_table("library_material_projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_library_material_projects_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "library_material_labs",
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("attached_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lab_id"],
            ["labs.id"],
            name=op.f("fk_library_material_labs_lab_id_labs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["library_materials.id"],
            name=op.f("fk_library_material_labs_material_id_library_materials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("material_id", "lab_id", name=op.f("pk_library_material_labs")),
    )
    with op.batch_alter_table("library_material_labs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_library_material_labs_lab_id"), ["lab_id"], unique=False
        )

    op.create_table(
        "library_case_histories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("what_was_done", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("published_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_library_case_histories_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_library_case_histories_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_case_histories")),
        sa.UniqueConstraint("project_id", name=op.f("uq_library_case_histories_project_id")),
    )
    op.create_table(
        "library_case_boards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_library_case_boards_board_id_boards"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["library_case_histories.id"],
            name=op.f("fk_library_case_boards_case_id_library_case_histories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_case_boards")),
    )
    with op.batch_alter_table("library_case_boards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_library_case_boards_case_id"), ["case_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("library_case_boards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_case_boards_case_id"))
    op.drop_table("library_case_boards")
    op.drop_table("library_case_histories")
    with op.batch_alter_table("library_material_labs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_material_labs_lab_id"))
    op.drop_table("library_material_labs")
    with op.batch_alter_table("library_material_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_material_projects_project_id"))
    op.drop_table("library_material_projects")
    with op.batch_alter_table("library_material_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_material_tags_tag"))
    op.drop_table("library_material_tags")
    op.drop_table("library_materials")
