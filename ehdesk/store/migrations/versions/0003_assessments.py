"""assessments: forms filled against a pinned definition version

Revision ID: 0003_assessments
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

import ehdesk.models.types

revision = "0003_assessments"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment",
        sa.Column("episode_id", sa.String(length=36), nullable=True),
        sa.Column("form_id", sa.String(length=80), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("assessor_id", sa.String(length=36), nullable=False),
        sa.Column("assessor_name", sa.String(length=200), nullable=False),
        sa.Column("signed_off_by", sa.String(length=200), nullable=False),
        sa.Column("signed_off_on", sa.Date(), nullable=True),
        sa.Column("reopen_history", sa.JSON(), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_family_id"), ["family_id"], unique=False)


def downgrade() -> None:
    op.drop_table("assessment")
