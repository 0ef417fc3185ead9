"""The 0002_tools migration builds exactly the table the model describes."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ehdesk.models import Base


def test_migrated_store_matches_the_reading_model(store):
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    about_readings = [d for d in diff if "reading" in repr(d)]
    assert about_readings == []
    assert "reading" in Base.metadata.tables
