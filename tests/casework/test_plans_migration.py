"""The plans migration creates exactly the tables the models describe (nothing left to autogenerate)."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import ehdesk.models  # noqa: F401
from ehdesk.models import Base
from ehdesk.store.migrate import alembic_config

TABLES = {"plan_outcome", "plan_action", "plan_version", "taf_meeting", "session_note", "episode_closure"}


def test_migration_matches_the_plan_models():
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)

    def table_of(op) -> str:
        item = op[0] if isinstance(op, list) else op
        for part in item[1:]:
            name = getattr(part, "name", None) if not isinstance(part, str) else part
            table = getattr(part, "table", None)
            if table is not None:
                return table.name
            if name in TABLES:
                return name
        return ""

    assert [op for op in diff if table_of(op) in TABLES] == []
