"""Indexes that hold what the caseload reads of families, people, planned sessions and open plan
actions

With 5,000 families on the laptop the caseload's first read after unlock is mostly SQLCipher
decrypting pages it touches for the first time. Four of its queries read whole rows for a few
columns: each family's reference and household name and each lead child's name (rows with the
address, notes, everything about a person), the planned sessions (every planned session's record,
found by its status alone) and the open actions past their date (each action's words). These
indexes hold those columns, so SQLite answers from the index alone: the caseload of the
5,000-family bench profile reads about 3,500 pages instead of 6,900. Nothing else changes.

Revision ID: 0011_caseload_reads
Revises: 0010_caseload_facts
"""

from alembic import op

revision = "0011_caseload_reads"
down_revision = "0010_caseload_facts"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_family_caseload": ("family", ["id", "deleted", "reference", "household_name"]),
    "ix_person_names": ("person", ["id", "deleted", "given_name", "family_name"]),
    "ix_session_note_facts": ("session_note", ["episode_id", "status", "deleted", "session_on"]),
    "ix_plan_action_facts": ("plan_action", ["episode_id", "deleted", "status", "by_when"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
