"""The server's own migrations build exactly the tables its models describe, and the store's
migrations the domain tables (audit_event's chain columns included), on SQLite and PostgreSQL."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

import ehdesk.models  # noqa: F401
from ehdesk.models import Base
from ehdesk.server.db import make_engine, migrate
from ehdesk.server.models import ServerBase


def _diff(engine, metadata):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    return [d for d in diff if _table(d) in metadata.tables]


def _table(item) -> str:
    op = item[0] if isinstance(item, list) else item
    for part in op[1:]:
        table = getattr(part, "table", None)
        if table is not None:
            return table.name
        if isinstance(part, str) or getattr(part, "name", None):
            name = part if isinstance(part, str) else part.name
            if name:
                return name
    return ""


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migrated_server_database_matches_the_models(kind, tmp_path, request):
    if kind == "sqlite":
        engine, schema = make_engine(f"sqlite:///{tmp_path / 's.db'}"), None
    else:
        url = request.getfixturevalue("postgres_url")
        schema = f"m_{uuid.uuid4().hex[:10]}"
        with create_engine(url).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(url, schema)
    try:
        migrate(engine)
        server_diff = _diff(engine, ServerBase.metadata)
        assert not [d for d in server_diff if "server_" in repr(d)], server_diff
        store_diff = [d for d in _diff(engine, Base.metadata) if "audit_event" in repr(d)]
        assert not store_diff, store_diff
    finally:
        engine.dispose()
        if schema:
            with create_engine(request.getfixturevalue("postgres_url")).begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
