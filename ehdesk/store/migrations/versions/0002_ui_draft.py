"""ui_draft: unsaved form text kept inside the encrypted store across a lock

Revision ID: 0002_ui_draft
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

import ehdesk.models.types

revision = "0002_ui_draft"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ui_draft",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("saved_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_ui_draft")),
    )
    op.create_index(op.f("ix_ui_draft_family_id"), "ui_draft", ["family_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_ui_draft_family_id"), table_name="ui_draft")
    op.drop_table("ui_draft")
