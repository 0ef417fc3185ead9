"""One linear history from here on: joins the feature branches of the first release.

The first release grew its schema as seven branches off 0001_foundation (agreements, blobs, sync
conflicts, tools, UI drafts, assessments, plans). This revision has all seven as parents and
changes nothing, so every later revision has exactly one parent and `alembic heads` names one.

Revision ID: 0004_linear
Revises: 0002_agreements, 0002_blobs, 0002_sync_conflict, 0002_tools, 0002_ui_draft,
    0003_assessments, 0003_plans
"""

revision = "0004_linear"
down_revision = (
    "0002_agreements",
    "0002_blobs",
    "0002_sync_conflict",
    "0002_tools",
    "0002_ui_draft",
    "0003_assessments",
    "0003_plans",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
