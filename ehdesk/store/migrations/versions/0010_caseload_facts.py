"""Indexes that hold what the caseload's timescale facts read (agreements, TAF meetings, readings,
withdrawn consents)

The caseload gathers, for every open episode, the dates its agreements were signed, its TAF
meetings held and its readings taken. Read from the rows, each agreement's frozen words (pages of
JSON) and each meeting's record came along: with 1,000 open cases that was most of the time from
unlock to the caseload. These indexes hold the columns those queries need, so SQLite answers them
from the index alone. Consents are many and rarely withdrawn: their index holds the withdrawn
ones only (a partial index), so it costs next to nothing to keep. Nothing else changes.

Revision ID: 0010_caseload_facts
Revises: 0009_team2
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_caseload_facts"
down_revision = "0009_team2"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_agreement_facts": ("agreement", ["episode_id", "deleted", "status", "signed_on", "review_date"]),
    "ix_taf_meeting_facts": (
        "taf_meeting",
        ["episode_id", "deleted", "status", "counts_as_taf", "kind", "held_on", "next_meeting_on"],
    ),
    "ix_reading_facts": ("reading", ["episode_id", "deleted", "taken_on"]),
}


WITHDRAWN = sa.text("withdrawn_on IS NOT NULL")


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)
    op.create_index(
        "ix_consent_withdrawn",
        "consent",
        ["family_id", "deleted", "scope", "person_id", "withdrawn_on"],
        unique=False,
        sqlite_where=WITHDRAWN,
        postgresql_where=WITHDRAWN,
    )


def downgrade() -> None:
    op.drop_index("ix_consent_withdrawn", table_name="consent")
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
