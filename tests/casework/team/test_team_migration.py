"""The team migration creates exactly the tables the models describe (nothing left to autogenerate)."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import ehdesk.models  # noqa: F401
from ehdesk.models import Base
from ehdesk.store.migrate import alembic_config

TABLES = {
    "professional", "network_tie", "triage_decision", "handover", "allocation", "supervision",
    "case_audit", "chronology_event", "team_move_request",
}  # fmt: skip


def test_migration_matches_the_team_models():
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
        assert TABLES <= set(conn.dialect.get_table_names(conn))
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        command.downgrade(cfg, "0004_linear")
        assert not TABLES & set(conn.dialect.get_table_names(conn))

    def tables_of(op) -> set[str]:
        found = set()
        for item in op if isinstance(op, list) else [op]:
            for part in item[1:]:
                table = getattr(part, "table", None)
                name = table.name if table is not None else getattr(part, "name", part)
                if isinstance(name, str):
                    found.add(name)
        return found

    assert [op for op in diff if tables_of(op) & TABLES] == []
