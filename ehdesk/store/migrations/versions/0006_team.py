"""The team around the family: professionals, the wider network, triage decisions, handovers,
allocations, supervision, case audits and hand-added chronology events (issue 16)

Revision ID: 0006_team
Revises: 0005_practice_rules
"""

import sqlalchemy as sa
from alembic import op

import ehdesk.models.types

revision = "0006_team"
down_revision = "0005_practice_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "allocation",
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("allocated_on", sa.Date(), nullable=False),
        sa.Column("worker_id", sa.String(length=36), nullable=False),
        sa.Column("worker_name", sa.String(length=200), nullable=False),
        sa.Column("previous_worker_id", sa.String(length=36), nullable=True),
        sa.Column("previous_worker_name", sa.String(length=200), nullable=False),
        sa.Column("allocated_by", sa.String(length=200), nullable=False),
        sa.Column("handover_note", sa.Text(), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation")),
    )
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocation_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_allocation_family_id"), ["family_id"], unique=False)

    op.create_table(
        "case_audit",
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("audited_on", sa.Date(), nullable=False),
        sa.Column("auditor_name", sa.String(length=200), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("grade", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("follows_audit_id", sa.String(length=36), nullable=True),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_audit")),
    )
    with op.batch_alter_table("case_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_audit_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_audit_family_id"), ["family_id"], unique=False)

    op.create_table(
        "chronology_event",
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("child_ids", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chronology_event")),
    )
    with op.batch_alter_table("chronology_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chronology_event_family_id"), ["family_id"], unique=False)

    op.create_table(
        "handover",
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("handed_over_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("information_shared", sa.Text(), nullable=False),
        sa.Column("received_by", sa.String(length=200), nullable=False),
        sa.Column("social_care_decision", sa.String(length=40), nullable=False),
        sa.Column("decision_on", sa.Date(), nullable=True),
        sa.Column("early_help_continues", sa.Boolean(), nullable=False),
        sa.Column("social_worker", sa.String(length=200), nullable=False),
        sa.Column("stepped_down_from", sa.String(length=40), nullable=False),
        sa.Column("joint_visit_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover")),
    )
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handover_family_id"), ["family_id"], unique=False)

    op.create_table(
        "network_tie",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("relationship", sa.String(length=120), nullable=False),
        sa.Column("strength", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_tie")),
    )
    with op.batch_alter_table("network_tie", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_tie_family_id"), ["family_id"], unique=False)

    op.create_table(
        "professional",
        sa.Column("agency", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("consent_id", sa.String(length=36), nullable=True),
        sa.Column("is_lead", sa.Boolean(), nullable=False),
        sa.Column("lead_role", sa.String(length=60), nullable=False),
        sa.Column("strength", sa.String(length=20), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_professional")),
    )
    with op.batch_alter_table("professional", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_professional_family_id"), ["family_id"], unique=False)

    op.create_table(
        "supervision",
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("manager_name", sa.String(length=200), nullable=False),
        sa.Column("discussion", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision")),
    )
    with op.batch_alter_table("supervision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supervision_family_id"), ["family_id"], unique=False)

    op.create_table(
        "team_move_request",
        sa.Column("to_team_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_move_request")),
    )
    with op.batch_alter_table("team_move_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_move_request_family_id"), ["family_id"], unique=False)

    op.create_table(
        "triage_decision",
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("forum", sa.String(length=40), nullable=False),
        sa.Column("decision", sa.String(length=40), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("allocated_to_id", sa.String(length=36), nullable=True),
        sa.Column("allocated_to_name", sa.String(length=200), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=False),
        sa.Column("client_changed_at", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_decision")),
    )
    with op.batch_alter_table("triage_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_triage_decision_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_triage_decision_referral_id"), ["referral_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("triage_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_decision_referral_id"))
        batch_op.drop_index(batch_op.f("ix_triage_decision_family_id"))

    op.drop_table("triage_decision")
    with op.batch_alter_table("team_move_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_move_request_family_id"))

    op.drop_table("team_move_request")
    with op.batch_alter_table("supervision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_family_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_episode_id"))

    op.drop_table("supervision")
    with op.batch_alter_table("professional", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_professional_family_id"))

    op.drop_table("professional")
    with op.batch_alter_table("network_tie", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_tie_family_id"))

    op.drop_table("network_tie")
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_family_id"))
        batch_op.drop_index(batch_op.f("ix_handover_episode_id"))

    op.drop_table("handover")
    with op.batch_alter_table("chronology_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chronology_event_family_id"))

    op.drop_table("chronology_event")
    with op.batch_alter_table("case_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_audit_family_id"))
        batch_op.drop_index(batch_op.f("ix_case_audit_episode_id"))

    op.drop_table("case_audit")
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_family_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_episode_id"))

    op.drop_table("allocation")
