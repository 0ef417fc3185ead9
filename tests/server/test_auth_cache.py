"""Authentication without a round of queries (issue 20), and revocation still biting: a device is
remembered per server process, and forgotten by every process on one PostgreSQL within about a
second of being revoked, signed out or moved to another team (the auth epoch), however the change
was made (another server process, the admin command)."""

import time
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, event, text

from ehdesk.models import User
from ehdesk.server import admin, auth_cache
from ehdesk.server.changelog import Revisions, log_row
from ehdesk.server.db import Prebuilt, make_engine, session_factory, transaction
from ehdesk.server.models import TeamMember
from ehdesk.sync import protocol as p
from tests.server.test_api import Api
from tests.sync.harness import ServerHarness

V = p.SCHEMA_VERSION
# The bound a revocation takes to reach every process, with room for a loaded machine.
BOUND = auth_cache.CHECK_EVERY + 2.0


def _pull(base_url: str, api: Api, cursor: int = 0) -> int:
    body = {"schema_version": V, "device_id": api.device_id, "cursor": cursor}
    headers = {"Authorization": api.http.headers["Authorization"]}
    return httpx.post(f"{base_url}/v1/sync/pull", json=body, headers=headers).status_code


def _refused_within(base_url: str, api: Api, bound: float) -> float:
    """Seconds until ``base_url`` refuses the device's token (fails the test after ``bound``)."""
    start = time.monotonic()
    while _pull(base_url, api) != 401:
        assert time.monotonic() - start < bound, "the revoked laptop was still served"
        time.sleep(0.05)
    return time.monotonic() - start


@pytest.fixture
def two_servers(postgres_url):
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with create_engine(postgres_url).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    first = ServerHarness(postgres_url, schema)
    first.seed()
    second = ServerHarness(postgres_url, schema)  # an engine, and so a cache, of its own
    first.start()
    second.start()
    yield first, second
    first.close()
    second.close()
    with create_engine(postgres_url).begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.mark.postgres
def test_a_laptop_revoked_by_the_admin_command_is_refused_by_both_server_processes(two_servers):
    first, second = two_servers
    ann = Api(first, "ann")
    # Both processes have served (and so remember) the laptop.
    for server in (first, second):
        for _ in range(3):
            assert _pull(server.base_url, ann) == 200
    # The admin command runs in a process of its own: its own engine and sessions.
    engine = make_engine(first.url, first.schema)
    try:
        with transaction(session_factory(engine)) as s:
            assert admin.revoke_device(s, device_id=ann.device_id) == 1
    finally:
        engine.dispose()
    for server in (first, second):
        _refused_within(server.base_url, ann, BOUND)
        assert _pull(server.base_url, ann) == 401


@pytest.mark.postgres
def test_sign_out_through_one_process_ends_the_token_at_once_there_and_soon_at_the_other(two_servers):
    first, second = two_servers
    ann = Api(first, "ann")
    assert _pull(second.base_url, ann) == 200
    assert _pull(second.base_url, ann) == 200  # remembered by the second process
    assert ann.http.post("/v1/auth/sign-out").status_code == 204  # through the first
    assert _pull(first.base_url, ann) == 401  # at once where it happened
    _refused_within(second.base_url, ann, BOUND)


@pytest.mark.postgres
def test_a_worker_moved_to_another_team_pulls_the_new_teams_scope(two_servers):
    first, second = two_servers
    sue = Api(second, "sue")
    assert sue.pull().status_code == 200
    with first.session() as s:
        admin.create_team(s, "East")
    with first.session() as s:
        user = s.query(User).filter_by(username="sue").one()
        east = admin._team(s, "East")
        user.team_id = east.id
        s.query(TeamMember).filter_by(user_id=user.id).delete()
        s.add(TeamMember(user_id=user.id, team_id=east.id))
        log_row(s, Revisions(s), user, ["team_id"])
    deadline = time.monotonic() + BOUND
    while True:
        # The staff rows a pull sends are those of the worker's teams: East's only, once moved.
        body = {"schema_version": V, "device_id": sue.device_id, "cursor": 0}
        page = sue.http.post("/v1/sync/pull", json=body).json()
        teams = {c["fields"].get("team_id") for c in page["changes"] if c["entity"] == "user_account"}
        if teams == {east.id}:
            break
        assert time.monotonic() < deadline, f"still served as a member of {teams}: {page}"
        time.sleep(0.05)


def test_a_remembered_laptop_is_authenticated_without_a_query(server, monkeypatch):
    ann = Api(server, "ann")
    assert ann.pull().status_code == 200
    cursor = ann.pull().json()["cursor"]
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    # Statements run on the driver (db.Prebuilt) are not seen by SQLAlchemy's events: counted too.
    prebuilt_rows = Prebuilt.rows

    def run(self, session, params=None):
        statements.append(str(self.statement))
        return prebuilt_rows(self, session, params)

    monkeypatch.setattr(Prebuilt, "rows", run)
    event.listen(server.engine, "before_cursor_execute", seen)
    try:
        # Within the second after the process last read the epoch, an up-to-date laptop's pull
        # costs the revision counter only.
        server_cache = auth_cache.cache_for(server.engine)
        server_cache.checked_at = time.monotonic()
        body = {"schema_version": V, "device_id": ann.device_id, "cursor": cursor}
        reply = ann.http.post("/v1/sync/pull", json=body)
    finally:
        event.remove(server.engine, "before_cursor_execute", seen)
    assert reply.status_code == 200 and reply.json()["changes"] == []
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1, statements
    assert "server_device" not in " ".join(statements)
