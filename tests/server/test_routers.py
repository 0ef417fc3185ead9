"""The routes take their session and principal as FastAPI dependencies, so a test (or another
deployment) can replace them: here the statistical return is asked for as an admin without any
sign-in, by overriding the principal."""

from fastapi.testclient import TestClient

from ehdesk.server.app import create_app
from ehdesk.server.db import make_engine, migrate
from ehdesk.server.deps import current_principal
from ehdesk.server.scope import Principal
from ehdesk.sync import protocol as p


def test_the_principal_is_a_dependency_tests_can_override(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    migrate(engine)
    app = create_app(engine)
    query = {"schema_version": p.SCHEMA_VERSION, "from": "2026-04-01", "to": "2027-03-31"}
    with TestClient(app) as client:
        assert client.get("/v1/reports/return", params=query).status_code == 401
        app.dependency_overrides[current_principal] = lambda: Principal(
            user_id="u", device_id="d", username="it", role="admin", team_ids=frozenset()
        )
        reply = client.get("/v1/reports/return", params=query)
        assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
        app.dependency_overrides[current_principal] = lambda: Principal(
            user_id="u", device_id="d", username="pat", role="practitioner", team_ids=frozenset({"t"})
        )
        assert client.get("/v1/reports/return", params=query).status_code == 403
    engine.dispose()
