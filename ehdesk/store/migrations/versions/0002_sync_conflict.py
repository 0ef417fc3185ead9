"""sync: conflicts kept with both values; which blobs the server holds

Revision ID: 0002_sync_conflict
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

import ehdesk.models.types

revision = "0002_sync_conflict"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_conflict",
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=80), nullable=False),
        sa.Column("base_revision", sa.Integer(), nullable=False),
        sa.Column("server_value", sa.JSON(), nullable=True),
        sa.Column("client_value", sa.JSON(), nullable=True),
        sa.Column("client_device_id", sa.String(length=36), nullable=False),
        sa.Column("client_actor", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("resolved_value", sa.JSON(), nullable=True),
        sa.Column("resolved_by", sa.String(length=120), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
    )
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_conflict_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_conflict_row_id"), ["row_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_conflict_status"), ["status"], unique=False)

    op.create_table(
        "blob_on_server",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blob_on_server")),
    )


def downgrade() -> None:
    op.drop_table("blob_on_server")
    op.drop_table("sync_conflict")
