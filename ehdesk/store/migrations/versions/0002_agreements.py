"""agreements: the signed early help agreement, its signatures, and the issued-PDF register

Revision ID: 0002_agreements
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

import ehdesk.models.types

revision = "0002_agreements"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def _synced_columns() -> list[sa.Column]:
    return [
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "agreement",
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("template_id", sa.String(length=60), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("agencies", sa.JSON(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("frozen_content", sa.JSON(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("worker_name", sa.String(length=200), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
    )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreement_family_id"), ["family_id"], unique=False)

    op.create_table(
        "agreement_signature",
        sa.Column("agreement_id", sa.String(length=36), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=True),
        sa.Column("image_sha256", sa.String(length=64), nullable=False),
        sa.Column("verbal_reason", sa.Text(), nullable=False),
        sa.Column("signed_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("device", sa.String(length=80), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_signature")),
    )
    with op.batch_alter_table("agreement_signature", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_signature_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agreement_signature_family_id"), ["family_id"], unique=False)

    op.create_table(
        "issued_document",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_document")),
    )
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issued_document_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_issued_document_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_table("issued_document")
    op.drop_table("agreement_signature")
    op.drop_table("agreement")
