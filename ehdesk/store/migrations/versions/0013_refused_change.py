"""The changes the council server refused, kept on the laptop with the server's reason.

Before this revision a refused change left only a count ("The server refused 1 change: ask IT."):
the worker could not tell which of their records the council does not hold, nor why. A store
upgraded here starts with none listed: changes refused before it were not kept.

Revision ID: 0013_refused_change
Revises: 0012_override_missing
"""

import sqlalchemy as sa
from alembic import op

import ehdesk.models.types

revision = "0013_refused_change"
down_revision = "0012_override_missing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refused_change",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=True),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("changed_at", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("refused_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dismissed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_refused_change")),
    )
    op.create_index(op.f("ix_refused_change_family_id"), "refused_change", ["family_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_refused_change_family_id"), table_name="refused_change")
    op.drop_table("refused_change")
