"""A meeting completed by a manager's override keeps which rules it broke.

``taf_meeting.override_missing`` lists them in a few plain words each ("no new progression reading
had been taken"), as ``episode_closure.missing`` does for a closure, so the family's record, the
meeting's PDF and its screen can say which rule was overridden on every laptop (the audit event
that also names them is never sent to other laptops). Meetings overridden before this revision
keep an empty list: which rule they broke was not recorded, and they say "it broke a rule".

Revision ID: 0012_override_missing
Revises: 0011_caseload_reads
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_override_missing"
down_revision = "0011_caseload_reads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("taf_meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("override_missing", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("taf_meeting", schema=None) as batch_op:
        batch_op.drop_column("override_missing")
