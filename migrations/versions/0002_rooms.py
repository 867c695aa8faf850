"""rooms and the conductor: labs, live sessions, rooms, members, visits, votes, signals

Revision ID: 0002_rooms
Revises: 0001
Create Date: 2026-11-23 12:05:12.164220
"""

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0002_rooms"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "labs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_labs_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labs")),
    )
    op.create_table(
        "lab_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lab_id"], ["labs.id"], name=op.f("fk_lab_meetings_lab_id_labs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_meetings")),
    )
    with op.batch_alter_table("lab_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_meetings_lab_id"), ["lab_id"], unique=False)

    op.create_table(
        "lab_projects",
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lab_id"], ["labs.id"], name=op.f("fk_lab_projects_lab_id_labs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_lab_projects_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("lab_id", "project_id", name=op.f("pk_lab_projects")),
    )
    op.create_table(
        "live_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("plenary_board_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("opened_by", sa.String(length=32), nullable=False),
        sa.Column("opened_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("closed_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.Column("choosing", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["lab_meetings.id"],
            name=op.f("fk_live_sessions_meeting_id_lab_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plenary_board_id"],
            ["boards.id"],
            name=op.f("fk_live_sessions_plenary_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_live_sessions_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_sessions")),
    )
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_sessions_plenary_board_id"), ["plenary_board_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_live_sessions_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "rooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("live_session_id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_plenary", sa.Boolean(), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=True),
        sa.Column("votes_per_person", sa.Integer(), nullable=False),
        sa.Column("timer_duration_ms", sa.Integer(), nullable=False),
        sa.Column("timer_ends_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.Column("timer_remaining_ms", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("message_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.Column("private_since_seq", sa.BigInteger(), nullable=True),
        sa.Column("private_anonymous", sa.Boolean(), nullable=False),
        sa.Column("anonymous_windows", sa.JSON(), nullable=False),
        sa.Column("follow_identity", sa.String(length=32), nullable=True),
        sa.Column("follow_view", sa.JSON(), nullable=True),
        sa.Column("harvest_frame_id", sa.String(length=40), nullable=True),
        sa.Column("harvested_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"], ["boards.id"], name=op.f("fk_rooms_board_id_boards"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["live_session_id"],
            ["live_sessions.id"],
            name=op.f("fk_rooms_live_session_id_live_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rooms")),
    )
    with op.batch_alter_table("rooms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rooms_board_id"), ["board_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_rooms_live_session_id"), ["live_session_id"], unique=False
        )

    op.create_table(
        "room_members",
        sa.Column("live_session_id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=32), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["live_session_id"],
            ["live_sessions.id"],
            name=op.f("fk_room_members_live_session_id_live_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["rooms.id"],
            name=op.f("fk_room_members_room_id_rooms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("live_session_id", "identity", name=op.f("pk_room_members")),
    )
    with op.batch_alter_table("room_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_room_members_room_id"), ["room_id"], unique=False)

    op.create_table(
        "room_signals",
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("raised_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["rooms.id"],
            name=op.f("fk_room_signals_room_id_rooms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("room_id", "identity", "kind", name=op.f("pk_room_signals")),
    )
    op.create_table(
        "room_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("live_session_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("entered_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("left_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["live_session_id"],
            ["live_sessions.id"],
            name=op.f("fk_room_visits_live_session_id_live_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_room_visits_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_visits")),
    )
    with op.batch_alter_table("room_visits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_room_visits_live_session_id"), ["live_session_id"], unique=False
        )
        batch_op.create_index("ix_room_visits_room_identity", ["room_id", "identity"], unique=False)

    op.create_table(
        "room_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("identity", sa.String(length=32), nullable=False),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_room_votes_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_votes")),
    )
    with op.batch_alter_table("room_votes", schema=None) as batch_op:
        batch_op.create_index("ix_room_votes_room_identity", ["room_id", "identity"], unique=False)


def downgrade():

    with op.batch_alter_table("room_votes", schema=None) as batch_op:
        batch_op.drop_index("ix_room_votes_room_identity")

    op.drop_table("room_votes")
    with op.batch_alter_table("room_visits", schema=None) as batch_op:
        batch_op.drop_index("ix_room_visits_room_identity")
        batch_op.drop_index(batch_op.f("ix_room_visits_live_session_id"))

    op.drop_table("room_visits")
    op.drop_table("room_signals")
    with op.batch_alter_table("room_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_members_room_id"))

    op.drop_table("room_members")
    with op.batch_alter_table("rooms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rooms_live_session_id"))
        batch_op.drop_index(batch_op.f("ix_rooms_board_id"))

    op.drop_table("rooms")
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_sessions_project_id"))
        batch_op.drop_index(batch_op.f("ix_live_sessions_plenary_board_id"))

    op.drop_table("live_sessions")
    op.drop_table("lab_projects")
    with op.batch_alter_table("lab_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_meetings_lab_id"))

    op.drop_table("lab_meetings")
    op.drop_table("labs")
