"""The plan's "who" links to the family's professionals, and a step-up closure to its handover.

``plan_action.who_professional_id`` names the professional (on the family's list) who does the
action, so "who does what" can be checked against "who is involved"; empty for a household member,
the family, or someone typed in. ``episode_closure.handover_id`` is the step-up handover a
"stepped up" closure rests on (empty for closures from before this revision and other reasons).

Revision ID: 0009_team2
Revises: 0008_figures
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_team2"
down_revision = "0008_figures"
branch_labels = None
depends_on = None

COLUMNS = {
    "plan_action": [
        sa.Column("who_professional_id", sa.String(length=36), nullable=False, server_default="")
    ],
    "episode_closure": [sa.Column("handover_id", sa.String(length=36), nullable=False, server_default="")],
}


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.add_column(column)


def downgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_column(column.name)
