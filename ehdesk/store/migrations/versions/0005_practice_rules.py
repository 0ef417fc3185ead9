"""Practice rules the record holds (issue 15): worker-set RAG with a reason, meetings reviewed
outcome by outcome and judged against the TAF quorum, outcome results at closure, the threshold
decision, consent withdrawal (who, and safeguarding shares) and the agreement's stopped sharing.

Meetings completed before this revision were counted as TAFs then; they keep counting
(``counts_as_taf`` is set for them), because the attendance they recorded cannot be re-judged.

Revision ID: 0005_practice_rules
Revises: 0004_linear
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_practice_rules"
down_revision = "0004_linear"
branch_labels = None
depends_on = None

COLUMNS = {
    "plan_action": [sa.Column("rag_reason", sa.Text(), nullable=False, server_default="")],
    "taf_meeting": [
        sa.Column("outcome_reviews", sa.JSON(), nullable=False, server_default="[]"),
        sa.Column("counts_as_taf", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("override_by", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("override_reason", sa.Text(), nullable=False, server_default=""),
    ],
    "episode_closure": [sa.Column("outcome_results", sa.JSON(), nullable=False, server_default="{}")],
    "episode": [sa.Column("threshold_decision", sa.JSON(), nullable=False, server_default="{}")],
    "consent": [
        sa.Column("withdrawn_by_name", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("withdrawal_recorded_by", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("safeguarding_shares", sa.JSON(), nullable=False, server_default="[]"),
    ],
    "agreement": [
        sa.Column("sharing_stopped_on", sa.Date(), nullable=True),
        sa.Column("language", sa.String(length=60), nullable=False, server_default="English"),
        sa.Column("interpreter", sa.String(length=200), nullable=False, server_default=""),
    ],
}


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.add_column(column)
    op.execute(
        "UPDATE taf_meeting SET counts_as_taf = TRUE "
        "WHERE status = 'completed' AND kind IN ('initial_taf', 'taf_review')"
    )


def downgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_column(column.name)
