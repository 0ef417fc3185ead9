"""A server that cannot be lied to: token versions and refresh-token rotation, the audit chain's
head per device, a wipe that reaches a revoked laptop, atomic sign-in limits, staff names per
team, and blobs owned per family.

Revision ID: s0002_trust
Revises: s0001_server
"""

import sqlalchemy as sa
from alembic import op

import ehdesk.models.types

revision = "s0002_trust"
down_revision = "s0001_server"
branch_labels = None
depends_on = None

UTC = ehdesk.models.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("server_device") as batch:
        batch.add_column(sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("audit_seq", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("audit_hash", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("wipe_delivered_at", UTC, nullable=True))
    with op.batch_alter_table("server_refresh_token") as batch:
        batch.add_column(sa.Column("used_at", UTC, nullable=True))
        batch.add_column(sa.Column("replaced_by", sa.String(length=64), nullable=True))
    with op.batch_alter_table("server_change_log") as batch:
        batch.add_column(sa.Column("team_id", sa.String(length=36), nullable=True))
    op.create_table(
        "server_signin_limit",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_at", UTC, nullable=False),
        sa.Column("last_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_server_signin_limit")),
    )
    op.create_table(
        "server_blob_owner",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "family_id", name=op.f("pk_server_blob_owner")),
    )
    op.create_index(op.f("ix_server_blob_owner_family_id"), "server_blob_owner", ["family_id"])
    # Existing data: every blob is owned by the family it was uploaded for; staff rows already in
    # the log are tagged with their team so that laptops receive only their own teams' staff.
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "INSERT INTO server_blob_owner (sha256, family_id) "
            "SELECT sha256, family_id FROM blob WHERE family_id IS NOT NULL"
        )
    )
    log = sa.table(
        "server_change_log",
        sa.column("revision", sa.Integer),
        sa.column("fields", sa.JSON),
        sa.column("team_id", sa.String),
        sa.column("entity", sa.String),
    )
    rows = conn.execute(sa.select(log.c.revision, log.c.fields).where(log.c.entity == "user_account")).all()
    for revision_, fields in rows:
        team = (fields or {}).get("team_id")
        if team:
            conn.execute(sa.update(log).where(log.c.revision == revision_).values(team_id=team))


def downgrade() -> None:
    op.drop_index(op.f("ix_server_blob_owner_family_id"), table_name="server_blob_owner")
    op.drop_table("server_blob_owner")
    op.drop_table("server_signin_limit")
    with op.batch_alter_table("server_change_log") as batch:
        batch.drop_column("team_id")
    with op.batch_alter_table("server_refresh_token") as batch:
        batch.drop_column("replaced_by")
        batch.drop_column("used_at")
    with op.batch_alter_table("server_device") as batch:
        batch.drop_column("wipe_delivered_at")
        batch.drop_column("audit_hash")
        batch.drop_column("audit_seq")
        batch.drop_column("token_version")
