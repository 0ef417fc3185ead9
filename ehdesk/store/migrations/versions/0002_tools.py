"""tools: progression-of-change readings

Revision ID: 0002_tools
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

import ehdesk.models.types

revision = "0002_tools"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reading",
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("tool_id", sa.String(length=60), nullable=False),
        sa.Column("tool_version", sa.Integer(), nullable=False),
        sa.Column("subject_person_id", sa.String(length=36), nullable=True),
        sa.Column("occasion", sa.String(length=12), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("participant_ids", sa.JSON(), nullable=False),
        sa.Column("participants_other", sa.String(length=400), nullable=False),
        sa.Column("taken_by_name", sa.String(length=200), nullable=False),
        sa.Column("item_scores", sa.JSON(), nullable=False),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading")),
    )
    with op.batch_alter_table("reading", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reading_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reading_family_id"), ["family_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reading", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reading_family_id"))
        batch_op.drop_index(batch_op.f("ix_reading_episode_id"))
    op.drop_table("reading")
