"""TAF plans, meetings, PARA session notes and episode closures

Revision ID: 0003_plans
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

import ehdesk.models.types

revision = "0003_plans"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

TABLES = ("episode_closure", "plan_action", "plan_outcome", "plan_version", "session_note", "taf_meeting")


def upgrade() -> None:
    op.create_table(
        "episode_closure",
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("stepped_up_on", sa.Date(), nullable=True),
        sa.Column("stepped_up_to", sa.String(length=300), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("override_by", sa.String(length=200), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("closed_by", sa.String(length=200), nullable=False),
        sa.Column("reopened_on", sa.Date(), nullable=True),
        sa.Column("reopened_by", sa.String(length=200), nullable=False),
        sa.Column("reopen_reason", sa.Text(), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_closure")),
    )
    with op.batch_alter_table("episode_closure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_episode_closure_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_episode_closure_family_id"), ["family_id"], unique=False)

    op.create_table(
        "plan_action",
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("outcome_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("who_name", sa.String(length=200), nullable=False),
        sa.Column("who_agency", sa.String(length=60), nullable=False),
        sa.Column("by_when", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rag", sa.String(length=8), nullable=False),
        sa.Column("agreed_at_meeting_id", sa.String(length=36), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action")),
    )
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_action_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_action_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_action_outcome_id"), ["outcome_id"], unique=False)

    op.create_table(
        "plan_outcome",
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("what_will_be_different", sa.Text(), nullable=False),
        sa.Column("for_whom", sa.String(length=300), nullable=False),
        sa.Column("how_we_will_know", sa.Text(), nullable=False),
        sa.Column("linked_need", sa.Text(), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_outcome")),
    )
    with op.batch_alter_table("plan_outcome", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_outcome_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_outcome_family_id"), ["family_id"], unique=False)

    op.create_table(
        "plan_version",
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("review_outcome", sa.String(length=20), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_version")),
    )
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_version_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_version_family_id"), ["family_id"], unique=False)

    op.create_table(
        "session_note",
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("session_on", sa.Date(), nullable=False),
        sa.Column("session_type", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("worker_name", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("seen", sa.JSON(), nullable=False),
        sa.Column("outcome_ids", sa.JSON(), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_note")),
    )
    with op.batch_alter_table("session_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_note_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_session_note_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_session_note_session_on"), ["session_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_session_note_status"), ["status"], unique=False)

    op.create_table(
        "taf_meeting",
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("confidentiality_read", sa.Boolean(), nullable=False),
        sa.Column("family_updates", sa.JSON(), nullable=False),
        sa.Column("practitioner_updates", sa.JSON(), nullable=False),
        sa.Column("plan_review_notes", sa.Text(), nullable=False),
        sa.Column("review_outcome", sa.String(length=20), nullable=False),
        sa.Column("next_meeting_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("plan_version", sa.Integer(), nullable=True),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taf_meeting")),
    )
    with op.batch_alter_table("taf_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taf_meeting_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_taf_meeting_family_id"), ["family_id"], unique=False)


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
