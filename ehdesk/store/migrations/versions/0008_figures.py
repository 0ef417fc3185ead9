"""Supporting Families: each family's needs against the outcome framework and the evidence of
significant and sustained progress; the primary reason for a request for support

Revision ID: 0008_figures
Revises: 0007_audit_trust
"""

import sqlalchemy as sa
from alembic import op

import ehdesk.models.types

revision = "0008_figures"
down_revision = "0007_audit_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("primary_reason", sa.String(length=60), nullable=False, server_default="")
        )
    op.create_table(
        "family_outcome",
        sa.Column("episode_id", sa.String(length=36), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("need_identified_on", sa.Date(), nullable=False),
        sa.Column("need_note", sa.Text(), nullable=False),
        sa.Column("progress_from", sa.Date(), nullable=True),
        sa.Column("sustained_to", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_outcome")),
    )
    with op.batch_alter_table("family_outcome", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_outcome_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_family_outcome_family_id"), ["family_id"], unique=False)


def downgrade() -> None:
    op.drop_table("family_outcome")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_column("primary_reason")
