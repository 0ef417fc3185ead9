"""Audit events carry the laptop's own time and a hash chain per device.

``recorded_at`` is when the laptop says the act happened (the server keeps its own receipt time
in ``at``); ``chain_seq`` and ``chain_hash`` link each event of a device to the one before, so a
missing or altered event shows as a break (see docs/audit.md).

Revision ID: 0007_audit_trust
Revises: 0006_team
"""

import sqlalchemy as sa
from alembic import op

import ehdesk.models.types

revision = "0007_audit_trust"
down_revision = "0006_team"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(
            sa.Column("recorded_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("chain_seq", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("chain_hash", sa.String(length=64), nullable=False, server_default=""))
    op.create_index("ix_audit_event_chain", "audit_event", ["device_id", "chain_seq"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_chain", table_name="audit_event")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("chain_hash")
        batch.drop_column("chain_seq")
        batch.drop_column("recorded_at")
