"""The snapshot's frame query on PostgreSQL keeps to the log's order whatever the statistics say.

Right after a large push, before autovacuum has analysed the change log, PostgreSQL's planner
guesses that a window of the log holds a row or two and picks a bitmap scan: every frame's rows
were then sorted again, spilling to disk, and the first sync of a laptop that came just after a
big push cost PostgreSQL two to three times the CPU."""

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from ehdesk.server.db import transaction
from ehdesk.server.scope import Principal
from ehdesk.server.snapshot import _walk_in_revision_order, snapshot_query
from tests.sync.harness import drop_server, make_server


@pytest.fixture
def fresh_log(postgres_url, tmp_path):
    server = make_server("postgres", tmp_path, postgres_url)
    with server.session() as s:
        s.execute(text("ALTER TABLE server_change_log SET (autovacuum_enabled = false)"))
        # 30,000 entries, half of them audit events, as a big push leaves them: never analysed.
        s.execute(
            text(
                "INSERT INTO server_change_log (revision, entity, row_id, family_id, team_id, fields,"
                " changed, deleted, device_id, origin_has_it, at)"
                " SELECT g, CASE WHEN g % 2 = 0 THEN 'audit_event' ELSE 'person' END, 'r' || (g % 9000),"
                " 'f' || (g % 1000), NULL, '{\"id\": \"x\"}', '[]', false, 'd', false, now()"
                " FROM generate_series(1000, 31000) g"
            )
        )
    yield server
    drop_server(server)


def test_frames_walk_the_log_by_its_index_before_any_analyse(fresh_log):
    principal = Principal("u", "d", "bob", "practitioner", frozenset([fresh_log.teams["North"]]))
    query = snapshot_query(principal, 31000, 5000, 5001, through=20000)
    sql = str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    with transaction(fresh_log.factory) as s:
        _walk_in_revision_order(s)
        plan = "\n".join(row[0] for row in s.execute(text("EXPLAIN " + sql)))
    assert "Sort" not in plan and "Bitmap" not in plan, plan
    assert "Index Scan using pk_server_change_log" in plan, plan
