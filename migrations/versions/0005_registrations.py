"""registrations: a lab's registration desk (places, open or closed) and the people who asked for a place

Revision ID: 0005_registrations
Revises: 0004_report_links
Create Date: 2026-11-23 16:11:45.890801
"""

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0005_registrations"
down_revision = "0004_report_links"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "registration_desks",
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lab_id"],
            ["labs.id"],
            name=op.f("fk_registration_desks_lab_id_labs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("lab_id", name=op.f("pk_registration_desks")),
    )
    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "accepted",
                "waiting",
                "cancelled",
                name="registrationstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("arrived_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("accepted_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.Column("cancelled_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.Column("invite_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invite_id"],
            ["invites.id"],
            name=op.f("fk_registrations_invite_id_invites"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lab_id"], ["labs.id"], name=op.f("fk_registrations_lab_id_labs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
        sa.UniqueConstraint("lab_id", "email", name="uq_registrations_lab_email"),
        sa.UniqueConstraint("lab_id", "seat", name="uq_registrations_lab_seat"),
        sa.UniqueConstraint("token", name=op.f("uq_registrations_token")),
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registrations_lab_arrival", ["lab_id", "arrived_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_registrations_lab_id"), ["lab_id"], unique=False)


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registrations_lab_id"))
        batch_op.drop_index("ix_registrations_lab_arrival")

    op.drop_table("registrations")
    op.drop_table("registration_desks")
