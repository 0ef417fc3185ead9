"""The API as schemathesis sees it, against the real server on PostgreSQL with a valid token:
generated requests for every endpoint (valid bodies, queries and paths, and invalid ones), each
answer checked for a server error (any 5xx fails) and against the published OpenAPI spec (status
codes, content types, response bodies). Bounded: a fixed number of examples per operation and
mode, and a deadline for the whole run, so CI time stays predictable."""

import time

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ehdesk.sync import protocol as p
from tests.server.test_api import Api
from tests.sync.harness import drop_server, make_server

EXAMPLES = 60  # per operation and generation mode
RUN_SECONDS = 180
# Signing out would end the token every other request uses; test_trust covers it.
SKIPPED = {("POST", "/v1/auth/sign-out")}
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)


@pytest.fixture
def postgres_server(postgres_url, tmp_path):
    harness = make_server("postgres", tmp_path, postgres_url)
    yield harness
    drop_server(harness)


def _plausible(device_id: str):
    """Most generated requests carry a version the server speaks and the token's own device, so
    they reach the code behind those checks (each is a 400 or 422 at the door, tested elsewhere)."""

    def fix(case, use_current: bool, nasty, which: int):
        return _fix(case, use_current, device_id, nasty, which)

    return fix


# Values that broke the server before (issue 18): NUL bytes, integers beyond the columns, booleans
# where numbers belong, fractions. One is put into one field of some generated requests.
NASTY = [None, "a\x00b", "\x00", 2**31, 2**63, False, True, 1.9, -1, "", "9" * 400]


def _fix(case, use_current: bool, device_id: str, nasty, which: int):
    if use_current:
        if isinstance(case.body, dict) and "device_id" in case.body:
            case.body["device_id"] = device_id
        if isinstance(case.body, dict) and "schema_version" in case.body:
            case.body["schema_version"] = p.SCHEMA_VERSION
        if case.query and "schema_version" in case.query:
            case.query["schema_version"] = p.SCHEMA_VERSION
    if nasty is not None:
        for target in (case.body, case.query):
            keys = [k for k in target if k != "schema_version"] if isinstance(target, dict) else []
            if keys:
                target[keys[which % len(keys)]] = nasty
                break
    return case


@pytest.mark.postgres
@pytest.mark.timeout(RUN_SECONDS + 120)
def test_generated_requests_get_no_server_error_and_match_the_spec_postgres(postgres_server):
    base = postgres_server.base_url
    signed_in = Api(postgres_server, "ann").session
    token = signed_in["access_token"]
    plausible = _plausible(signed_in["device_id"])
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    deadline = time.monotonic() + RUN_SECONDS
    failures: set[str] = set()
    statuses: dict[str, set[int]] = {}
    ran = 0
    # Push and pull first: on a busy machine the deadline may end the run before the last
    # operations, and these two carry the record (the snapshot and blob batches come after).
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: op.path not in ("/v1/sync/push", "/v1/sync/pull"),
    )
    for operation in operations:
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = st.builds(
                plausible,
                operation.as_strategy(generation_mode=mode),
                st.booleans() | st.just(True),
                st.sampled_from(NASTY),
                st.integers(0, 20),
            )

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def run(case):
                nonlocal ran
                if time.monotonic() > deadline:
                    return
                ran += 1
                response = case.call(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
                where = f"{case.operation.method.upper()} {case.operation.path}"
                statuses.setdefault(where, set()).add(response.status_code)
                try:
                    case.validate_response(response, checks=CHECKS)
                except Exception as exc:  # every operation's failures are collected, then reported
                    failures.add(f"{where} -> {response.status_code}: {str(exc).strip()[:400]}")

            try:
                run()
            except Unsatisfiable:
                assert mode == GenerationMode.NEGATIVE  # nothing to get wrong (no parameters)
    print(f"schemathesis: {ran} generated requests; statuses {statuses}")
    assert not failures, "\n\n".join(sorted(failures)[:20])
    assert ran >= 500, f"only {ran} generated requests ran"
    # The generated requests reached the code behind validation, not only the door. (Generated
    # pushes almost always carry made-up mutations, which the strict decoder refuses whole; the
    # push's own door is checked with the smallest real batch.)
    assert 200 in statuses["POST /v1/sync/pull"] and 200 in statuses["POST /v1/sync/snapshot"]
    empty = httpx.post(
        f"{base}/v1/sync/push",
        json={"schema_version": p.SCHEMA_VERSION, "device_id": signed_in["device_id"], "mutations": []},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert empty.status_code == 200, empty.text
