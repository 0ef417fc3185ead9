"""A server that cannot be lied to (issue 18): each finding reproduced as an attacker with a
practitioner's login would, against the real server (SQLite, and PostgreSQL when configured)."""

import hashlib
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from ehdesk.models import AuditEvent, Episode, Family, Person, SyncConflict
from ehdesk.models.audit import chain_link
from ehdesk.models.team import Supervision
from ehdesk.server import admin
from ehdesk.server.models import Device, Quarantine, ServerAudit
from ehdesk.sync import protocol as p
from tests.server.test_api import Api
from tests.sync.harness import PASSWORD

V = p.SCHEMA_VERSION


@pytest.fixture
def north(server):
    return Api(server, "ann")


@pytest.fixture
def south(server):
    return Api(server, "sue")


def _audit(api, row_id=None, **fields):
    values = {"action": "view", "entity": "family", "entity_id": "x", "detail": {}, **fields}
    return api.mutation("audit_event", row_id or str(uuid.uuid4()), values)


# -- 1. audit forgery -----------------------------------------------------------------------------


def test_the_server_witnesses_who_which_device_and_when_of_every_audit_event(server, north):
    family_id, _ = north.new_family(team_id=server.teams["North"])
    forged = _audit(
        north,
        family_id=family_id,
        actor="sue",
        device_id="someone-elses-laptop",
        at="2020-01-01T09:00:00+00:00",
    )
    before = datetime.now(UTC)
    reply = north.push(forged)
    assert reply.json()["results"][0]["status"] == "applied"
    event = server.get(AuditEvent, forged["row_id"])
    assert event.actor == "ann"
    assert event.device_id == north.device_id
    assert event.at >= before - timedelta(seconds=1)  # received now, not "in 2020"
    assert event.recorded_at == datetime(2020, 1, 1, 9, tzinfo=UTC)  # the laptop's word, kept beside


def test_audit_events_are_never_changed_or_deleted_nor_about_another_teams_family(server, north, south):
    family_s, _ = south.new_family(team_id=server.teams["South"])
    event = _audit(north)
    north.push(event)
    attempts = [
        north.mutation("audit_event", event["row_id"], {"action": "nothing"}, op="update", base=1),
        north.mutation("audit_event", event["row_id"], {"deleted": True}, op="delete", base=1),
        north.mutation("audit_event", str(uuid.uuid4()), {"action": "view", "deleted": True}),
        _audit(north, family_id=family_s),
    ]
    results = north.push(*attempts).json()["results"]
    assert [r["status"] for r in results] == ["refused"] * 4
    assert server.get(AuditEvent, event["row_id"]).action == "view"
    assert server.get(AuditEvent, attempts[3]["row_id"]) is None
    assert server.count(Quarantine) == 4


def _chained(api, previous, seq, **fields):
    m = _audit(api, recorded_at="2026-12-01T10:00:00+00:00", chain_seq=seq, **fields)
    m["fields"]["chain_hash"] = chain_link(previous, {**m["fields"], "id": m["row_id"]})
    m["fields"]["id"] = m["row_id"]
    return m


def test_a_gap_or_an_edit_in_a_devices_audit_chain_is_recorded(server, north):
    first = _chained(north, "", 1)
    second = _chained(north, first["fields"]["chain_hash"], 2)
    north.push(first, second)
    assert server.count(ServerAudit, ServerAudit.action == "audit_chain_break") == 0
    # Event 3 never arrives (deleted on the laptop before sync): event 4 shows the gap.
    third = _chained(north, second["fields"]["chain_hash"], 3)
    fourth = _chained(north, third["fields"]["chain_hash"], 4)
    north.push(fourth)
    # Event 5 was edited after it was chained: its hash no longer follows from event 4.
    fifth = _chained(north, fourth["fields"]["chain_hash"], 5)
    fifth["fields"]["action"] = "print"
    north.push(fifth)
    with server.session() as s:
        breaks = s.scalars(
            select(ServerAudit).where(ServerAudit.action == "audit_chain_break").order_by(ServerAudit.id)
        ).all()
        assert [(b.entity_id, b.detail["problem"]) for b in breaks] == [
            (fourth["row_id"], "events missing before this one"),
            (fifth["row_id"], "altered (its hash does not follow from the event before)"),
        ]
        assert all(b.device_id == north.device_id for b in breaks)
    # Every event is kept all the same: it is evidence.
    assert server.count(AuditEvent) == 4


def test_a_laptops_own_audit_trail_arrives_as_an_unbroken_chain(server, laptops):
    from ehdesk.casework import audit

    ann = laptops("ann")
    family_id = ann.add_family()
    with ann.store.session() as s:
        for action in ("view", "print", "export"):
            audit.record(s, action, "family", family_id, family_id=family_id)
    ann.sync()
    with server.session() as s:
        events = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.device_id == ann.store.device_id)
            .order_by(AuditEvent.chain_seq)
        ).all()
        device = s.get(Device, ann.store.device_id)
        assert [e.action for e in events][-3:] == ["view", "print", "export"]
        assert [e.chain_seq for e in events] == list(range(1, len(events) + 1))
        assert device.audit_seq == len(events)
    assert server.count(ServerAudit, ServerAudit.action == "audit_chain_break") == 0


# -- 2. a lost laptop -----------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["wipe-then-revoke", "revoke-with-wipe"])
def test_a_lost_laptop_is_wiped_at_its_next_contact_even_when_revoked(server, laptops, order):
    ann = laptops("ann")
    ann.add_family("EH-LOST")
    ann.sync()
    ann.add_family("EH-UNSENT")  # typed on the lost laptop after its last sync
    with server.session() as s:
        if order == "wipe-then-revoke":  # what the README said to do
            admin.wipe_profile(s, device_id=ann.store.device_id)
            admin.revoke_device(s, device_id=ann.store.device_id)
        else:
            admin.revoke_device(s, device_id=ann.store.device_id, wipe=True)
    summary = ann.sync()
    assert summary.wiped
    assert ann.rows(Family) == []
    with server.session() as s:
        assert s.get(Device, ann.store.device_id).wipe_delivered_at is not None
        # What it still held is kept aside on the server, never applied.
        assert s.scalars(select(Family).where(Family.reference == "EH-UNSENT")).first() is None
    assert server.count(Quarantine) >= 1


def test_a_laptop_revoked_without_wipe_keeps_its_data_and_cannot_sync(server, laptops):
    from ehdesk.sync.client import SignedOut

    ann = laptops("ann")
    ann.add_family("EH-KEPT")
    ann.sync()
    with server.session() as s:
        admin.revoke_device(s, device_id=ann.store.device_id)
    with pytest.raises(SignedOut):
        ann.sync()
    assert [f.reference for f in ann.rows(Family)] == ["EH-KEPT"]


def test_a_laptop_to_be_wiped_can_do_nothing_else(server, north):
    family_id, _ = north.new_family(team_id=server.teams["North"])
    with server.session() as s:
        admin.wipe_profile(s, device_id=north.device_id)
    assert north.http.post("/v1/blobs/fetch", json={"schema_version": V, "hashes": []}).status_code == 401
    reply = north.push(north.mutation("family", family_id, {"notes": "from a thief"}, op="update", base=1))
    assert [r["status"] for r in reply.json()["results"]] == ["refused"]
    assert reply.json()["pull_needed"] is True
    assert north.pull().json()["wipe"] is True
    assert server.get(Family, family_id).notes != "from a thief"


# -- 3. sign-in limits ----------------------------------------------------------------------------


def test_forty_concurrent_wrong_passwords_get_five_checks(server):
    statuses = []

    def attempt():
        r = httpx.post(
            f"{server.base_url}/v1/auth/sign-in",
            json={"schema_version": V, "username": "ann", "password": "wrong-password"},
            timeout=60,
        )
        statuses.append(r.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert statuses.count(401) == 5
    assert statuses.count(429) == 35
    assert server.count(ServerAudit, ServerAudit.action == "sign_in_failed") == 5


def _sign_in(server, username, password, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return httpx.post(
        f"{server.base_url}/v1/auth/sign-in",
        json={"schema_version": V, "username": username, "password": password},
        headers=headers,
    )


def test_x_forwarded_for_is_not_believed_from_an_unconfigured_peer(server):
    for i in range(5):
        assert _sign_in(server, "ann", "wrong-password", forwarded=f"10.9.9.{i}").status_code == 401
    blocked = _sign_in(server, "ann", "wrong-password", forwarded="10.9.9.99")
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0


def test_someone_elses_failures_never_lock_a_worker_out(server):
    server.trusted_proxies = ("127.0.0.1",)
    server.restart()
    for _ in range(12):
        _sign_in(server, "ann", "guess-guess", forwarded="203.0.113.66")
    assert _sign_in(server, "ann", "guess-again", forwarded="203.0.113.66").status_code == 429
    # Ann, at her own desk, signs in at once.
    assert _sign_in(server, "ann", PASSWORD, forwarded="198.51.100.7").status_code == 200
    # A client cannot choose its address by adding hops in front of the proxy's.
    assert _sign_in(server, "ann", "x-x-x-x-x", forwarded="198.51.100.7, 203.0.113.66").status_code == 429


def test_laptops_receive_only_their_own_teams_staff(server, north):
    names = {c["fields"]["username"] for c in north.pull().json()["changes"] if c["entity"] == "user_account"}
    assert names == {"ann", "bob", "boss"}  # North; never sue or meg of South


# -- 4. sessions ----------------------------------------------------------------------------------


def test_sign_out_ends_the_access_token_at_once(server, north):
    assert north.http.post("/v1/auth/sign-out").status_code == 204
    assert north.pull().status_code == 401


def test_a_password_reset_ends_every_session_of_the_user_at_once(server, north):
    with server.session() as s:
        admin.reset_password(s, "ann", "a-new-password-1")
    assert north.pull().status_code == 401
    refresh = {
        "schema_version": V,
        "device_id": north.device_id,
        "refresh_token": north.session["refresh_token"],
    }
    assert north.http.post("/v1/auth/refresh", json=refresh).status_code == 401


def test_refresh_tokens_rotate_and_a_reused_one_revokes_the_device(server, north):
    first = north.session["refresh_token"]
    body = {"schema_version": V, "device_id": north.device_id, "refresh_token": first}
    reply = north.http.post("/v1/auth/refresh", json=body).json()
    second = reply["refresh_token"]
    assert second and second != first
    # The laptop uses the new one ...
    body2 = {**body, "refresh_token": second}
    third = north.http.post("/v1/auth/refresh", json=body2).json()
    north.http.headers["Authorization"] = f"Bearer {third['access_token']}"
    assert north.pull().status_code == 200
    # ... then a thief presents the first: every session of the device ends.
    assert north.http.post("/v1/auth/refresh", json=body).status_code == 401
    assert north.pull().status_code == 401
    assert (
        north.http.post(
            "/v1/auth/refresh", json={**body, "refresh_token": third["refresh_token"]}
        ).status_code
        == 401
    )
    assert server.count(ServerAudit, ServerAudit.action == "refresh_token_reused") == 1


def test_a_lost_refresh_reply_can_be_retried(server, north):
    body = {
        "schema_version": V,
        "device_id": north.device_id,
        "refresh_token": north.session["refresh_token"],
    }
    assert north.http.post("/v1/auth/refresh", json=body).status_code == 200  # reply lost
    again = north.http.post("/v1/auth/refresh", json=body)
    assert again.status_code == 200
    assert (
        north.http.post(
            "/v1/auth/refresh", json={**body, "refresh_token": again.json()["refresh_token"]}
        ).status_code
        == 200
    )


def test_version_2_laptops_keep_their_refresh_token(server, north):
    body = {
        "schema_version": 2,
        "device_id": north.device_id,
        "refresh_token": north.session["refresh_token"],
    }
    for _ in range(2):
        reply = north.http.post("/v1/auth/refresh", json=body)
        assert reply.status_code == 200
        assert set(reply.json()) == {"access_token", "expires_in"}  # as a version 2 laptop parses it


def test_last_seen_is_written_at_most_once_a_minute(server, north):
    north.pull()
    first = server.get(Device, north.device_id).last_seen_at
    time.sleep(0.05)
    north.pull()
    assert server.get(Device, north.device_id).last_seen_at == first


# -- 5. strict wire types -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, named",
    [
        ({"deleted": "no"}, "family.deleted"),
        ({"deleted": "false"}, "family.deleted"),
        ({"deleted": 0}, "family.deleted"),
        ({"reference": 12}, "family.reference"),
        ({"notes": "a\x00b"}, "family.notes"),
        ({"server_revision_x": "\x00"}, "family fields"),
    ],
    ids=["no", "false-string", "zero", "number-for-text", "nul", "nul-in-unknown-key"],
)
def test_a_value_of_the_wrong_kind_refuses_the_whole_batch_naming_the_field(server, north, fields, named):
    good = north.mutation("family", str(uuid.uuid4()), {"reference": "OK", "team_id": server.teams["North"]})
    bad = north.mutation(
        "family", str(uuid.uuid4()), {"reference": "B", "team_id": server.teams["North"], **fields}
    )
    reply = north.push(good, bad)
    assert reply.status_code == 422
    assert named in reply.json()["detail"]
    assert server.get(Family, good["row_id"]) is None


@pytest.mark.parametrize(
    "change",
    [
        {"cursor": False},
        {"cursor": 2**31},
        {"cursor": 1.9},
        {"mutations": "base_revision"},
    ],
    ids=["false", "too-big", "fraction", "base-revision-too-big"],
)
def test_protocol_numbers_are_strict_and_bounded(server, north, change):
    mutations = []
    if change.get("mutations"):
        m = north.mutation("family", str(uuid.uuid4()), {"reference": "A"}, op="update", base=2**31)
        mutations, change = [m], {}
    body = {"schema_version": V, "device_id": north.device_id, "mutations": mutations, **change}
    reply = north.http.post("/v1/sync/push", json=body)
    assert reply.status_code == 422
    assert isinstance(reply.json()["detail"], str)
    pull = north.http.post(
        "/v1/sync/pull",
        json={"schema_version": V, "device_id": north.device_id, **(change or {"cursor": 2**31})},
    )
    assert pull.status_code == 422


def test_a_nul_byte_in_a_sign_in_is_a_422_not_a_500(server):
    for field in ("username", "password", "device_name"):
        body = {"schema_version": V, "username": "ann", "password": PASSWORD, field: "a\x00b"}
        reply = httpx.post(f"{server.base_url}/v1/auth/sign-in", json=body)
        assert reply.status_code == 422
        assert field in reply.json()["detail"]
        assert "a\x00b" not in reply.text


# -- 6. integrity ---------------------------------------------------------------------------------


def test_records_of_a_family_refused_in_the_same_batch_are_refused_too(server, north):
    family_id = str(uuid.uuid4())
    person_id = str(uuid.uuid4())
    # The person comes first in the batch, the refused family (an update of a row the server
    # never had) after it.
    reply = north.push(
        north.mutation("person", person_id, {"family_id": family_id, "given_name": "Orphan"}),
        north.mutation("family", family_id, {"reference": "X"}, op="update", base=1),
    )
    assert [r["status"] for r in reply.json()["results"]] == ["refused", "refused"]
    assert server.get(Person, person_id) is None
    # A later change to the refused person (its changed fields only: no family id) is refused with
    # it: it refused its whole batch with a 422, so the laptop could never send anything after it.
    later = north.push(north.mutation("person", person_id, {"given_name": "Renamed"}, op="update", base=1))
    assert later.status_code == 200, later.text
    assert [r["status"] for r in later.json()["results"]] == ["refused"]
    # Said as such to the worker (the laptop lists it) and to IT; a record that was never sent is
    # said so.
    never = north.push(north.mutation("person", str(uuid.uuid4()), {"given_name": "X"}, op="update", base=1))
    assert [r["status"] for r in never.json()["results"]] == ["refused"]
    with server.session() as s:
        reasons = [q.reason for q in s.scalars(select(Quarantine).order_by(Quarantine.id))]
    assert reasons[-2:] == [
        "The record it changes was refused before, so this change is kept aside with it.",
        "The change is to a record the server does not have.",
    ]


def _put(api, data, family_id):
    return api.http.put(
        f"/v1/blobs/{hashlib.sha256(data).hexdigest()}",
        content=data,
        params={"schema_version": V, "media_type": "application/pdf", "family_id": family_id},
    )


def test_blobs_exist_and_belong_per_family_scope(server, north, south):
    family_n, _ = north.new_family(team_id=server.teams["North"])
    family_s, _ = south.new_family(team_id=server.teams["South"])
    data = b"%PDF the council's standard leaflet"
    sha = hashlib.sha256(data).hexdigest()
    # South uploads the file first, for its own family ...
    assert _put(south, data, family_s).json() == {"stored": True}
    # ... North cannot learn that it exists, and uploading its own copy works and is readable.
    missing = {"schema_version": V, "hashes": [sha]}
    assert north.http.post("/v1/blobs/missing", json=missing).json() == {"missing": [sha]}
    assert north.http.get(f"/v1/blobs/{sha}", params={"schema_version": V}).status_code == 404
    assert _put(north, data, family_n).json() == {"stored": True}
    assert north.http.post("/v1/blobs/missing", json=missing).json() == {"missing": []}
    assert north.http.get(f"/v1/blobs/{sha}", params={"schema_version": V}).content == data
    fetched = north.http.post("/v1/blobs/fetch", json=missing).json()["blobs"]
    assert [(b["sha256"], b["family_id"]) for b in fetched] == [(sha, family_n)]
    # North's other laptops learn of it through the log, for North's family.
    other = Api(server, "bob")
    assert (sha, family_n) in {(b["sha256"], b["family_id"]) for b in other.pull().json()["blobs"]}


# -- 7. a delete against an offline edit ----------------------------------------------------------


def test_deleted_on_one_laptop_edited_on_another_is_a_conflict(server, north):
    other = Api(server, "ann")
    family_id, reply = north.new_family(team_id=server.teams["North"], notes="first")
    base = reply["revision"]
    assert (
        north.push(
            north.mutation("family", family_id, {"notes": "edited"}, op="update", base=base)
        ).status_code
        == 200
    )
    # The other laptop, offline since `base`, deletes the family.
    result = other.push(other.mutation("family", family_id, {"deleted": True}, op="delete", base=base)).json()
    assert result["results"][0]["status"] == "conflict"
    family = server.get(Family, family_id)
    assert family.deleted is False and family.notes == "edited"
    with server.session() as s:
        conflict = s.scalars(select(SyncConflict).where(SyncConflict.row_id == family_id)).one()
        assert (conflict.field, conflict.server_value, conflict.client_value) == ("deleted", False, True)


def test_edited_on_one_laptop_deleted_on_another_is_a_conflict(server, north):
    other = Api(server, "ann")
    family_id, reply = north.new_family(team_id=server.teams["North"], notes="first")
    base = reply["revision"]
    north.push(north.mutation("family", family_id, {"deleted": True}, op="delete", base=base))
    result = other.push(
        other.mutation("family", family_id, {"notes": "offline edit"}, op="update", base=base)
    )
    assert result.json()["results"][0]["status"] == "conflict"
    family = server.get(Family, family_id)
    assert family.deleted is True and family.notes == "offline edit"  # kept, to restore
    with server.session() as s:
        conflict = s.scalars(select(SyncConflict).where(SyncConflict.row_id == family_id)).one()
        assert (conflict.field, conflict.server_value, conflict.client_value) == ("deleted", True, False)


# -- 9. the published contract --------------------------------------------------------------------


def test_openapi_documents_every_error_with_its_real_body(server):
    spec = httpx.get(f"{server.base_url}/openapi.json").json()
    error_ref = "#/components/schemas/ErrorBody"
    sign_in = spec["paths"]["/v1/auth/sign-in"]["post"]["responses"]
    assert {"400", "401", "413", "422", "429"} <= set(sign_in)
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            if path not in ("/v1/health", "/v1/health/ready"):  # no sign-in, no input
                assert {"400", "401", "422"} <= set(responses), (method, path)
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": error_ref}, (method, path, status)
            if method in ("post", "put"):
                assert "413" in responses, (method, path)
    # The 422 it documents is the 422 it sends: one sentence naming the field.
    r = httpx.post(f"{server.base_url}/v1/auth/sign-in", json={"schema_version": V, "username": "ann"})
    assert r.status_code == 422 and r.json() == {
        "detail": "The request's password is not valid: Field required."
    }


# -- version 2 laptops keep syncing ---------------------------------------------------------------


def test_a_version_2_laptop_still_signs_in_pushes_pulls_and_refreshes(server, laptops, monkeypatch):
    from ehdesk.sync import client as client_module

    ann = laptops("ann")
    family_id = ann.add_family("EH-V2")
    monkeypatch.setattr(client_module.p, "SCHEMA_VERSION", 2)
    engine = ann.engine()
    try:
        summary = engine.sync()
        assert summary.pushed >= 1
        # Its access token is renewed the version 2 way, twice, with the same refresh token.
        for _ in range(2):
            engine.client.access_token = None
            engine.sync()
    finally:
        engine.client.close()
    assert server.get(Family, family_id).reference == "EH-V2"
    bob = laptops("bob")
    bob.sync()
    assert bob.get(Family, family_id) is not None


def test_verify_audit_finds_an_event_changed_or_removed_in_the_servers_database(server, laptops, capsys):
    from ehdesk.casework import audit
    from ehdesk.server.audit_chain import verify
    from ehdesk.server.cli import main as server_main

    ann = laptops("ann")
    family_id = ann.add_family()
    with ann.store.session() as s:
        for action in ("view", "print", "export", "view"):
            audit.record(s, action, "family", family_id, family_id=family_id, copies=1)
    ann.sync()
    device = ann.store.device_id
    with server.session() as s:
        checked, breaks = verify(s, device)
        assert checked >= 4 and breaks == []
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.device_id == device).order_by(AuditEvent.chain_seq)
        ).all()
        events[-3].detail = {"copies": 0}  # someone with database access edits an event ...
        s.delete(events[-2])  # ... and removes another
    with server.session() as s:
        _, breaks = verify(s, device)
    assert [(b.chain_seq, b.problem) for b in breaks] == [
        (events[-3].chain_seq, "altered"),
        (events[-1].chain_seq, "events missing before this one"),
    ]
    if server.schema is None:  # the command line, on the same SQLite database
        code = server_main(["--database-url", server.url, "admin", "verify-audit", "--device", device])
        assert code == 1
        assert "2 break(s) in the chain" in capsys.readouterr().out


# -- a manager's decisions --------------------------------------------------------------------------


def test_a_managers_decision_pushed_by_a_practitioner_is_refused_and_kept_aside(server, north):
    """The casework operations let only a manager make these; a laptop altered to skip that check
    (or a request typed with a practitioner's token) was stored as sent: a TAF counting although it
    was not quorate, an extension nobody signed off, a supervision no manager held."""
    with server.session() as s:
        admin.set_role(s, "bob", "manager")
    manager = Api(server, "bob")
    family_id, _ = north.new_family(team_id=server.teams["North"])
    episode_id = str(uuid.uuid4())
    at = {"family_id": family_id, "episode_id": episode_id}
    opened = north.push(
        north.mutation("episode", episode_id, {"family_id": family_id, "opened_on": "2026-09-01"})
    )
    assert opened.json()["results"][0]["status"] == "applied"

    forged = [
        north.mutation(
            "supervision", str(uuid.uuid4()), {**at, "held_on": "2026-11-02", "manager_name": "Bob"}
        ),
        north.mutation(
            "taf_meeting",
            str(uuid.uuid4()),
            {
                **at,
                "kind": "initial_taf",
                "held_on": "2026-10-01",
                "status": "completed",
                "counts_as_taf": True,
                "override_by": "bob",
                "override_reason": "Phoned in",
            },
        ),
        north.mutation(
            "episode",
            episode_id,
            {
                "extension_signed_off_by": "Bob",
                "extension_reason": "Court date",
                "extension_close_by": "2027-06-01",
            },
            op="update",
            base=1,
        ),
        north.mutation(
            "episode",
            episode_id,
            {"threshold_decision": {"decision": "continue", "reason": "x"}},
            op="update",
            base=1,
        ),
        north.mutation(
            "episode_closure",
            str(uuid.uuid4()),
            {
                **at,
                "closed_on": "2026-11-20",
                "reason": "needs_met",
                "override_by": "bob",
                "override_reason": "x",
            },
        ),
        north.mutation(
            "team_move_request",
            str(uuid.uuid4()),
            {"family_id": family_id, "to_team_id": server.teams["South"], "requested_on": "2026-11-20"},
        ),
    ]
    forged.append(
        north.mutation(
            "allocation",
            str(uuid.uuid4()),
            {**at, "allocated_on": "2026-11-20", "worker_id": "someone", "allocated_by": "Bob"},
        )
    )
    results = north.push(*forged).json()["results"]
    assert [r["status"] for r in results] == ["refused"] * len(forged)
    assert server.count(Quarantine) == len(forged)
    with server.session() as s:
        reasons = [q.reason for q in s.scalars(select(Quarantine).order_by(Quarantine.seq))]
    assert reasons == [
        "Only a manager can record case supervision.",
        "Only a manager can complete a meeting record that breaks these rules.",
        "Only a manager can sign off a case staying open past the limit.",
        "Only a manager can decide whether this family steps up or stays with early help.",
        "Only a manager can close a case while items are missing.",
        "Only a manager can ask for a family to move to another team.",
        "Only a manager can allocate or reallocate a case.",
    ]
    episode = server.get(Episode, episode_id)
    assert (episode.extension_signed_off_by, episode.threshold_decision) == ("", {})
    # What IT sees when the worker's app says "The server refused 7 changes: ask IT."
    with server.session() as s:
        listed = [(name, q.mutation["entity"], q.reason) for q, name in admin.refused(s, "ann")]
        assert listed[0] == ("ann", "supervision", "Only a manager can record case supervision.")
        assert len(listed) == len(forged) and admin.refused(s, "bob") == []

    # What a practitioner does is taken: a meeting completed with no override, and the actions a
    # manager's supervision set marked done; the manager's own supervision is taken from them.
    supervision_id = str(uuid.uuid4())
    actions = [{"what": "Ring the school", "due_on": "2026-11-16", "done_on": ""}]
    reply = manager.push(
        manager.mutation(
            "supervision",
            supervision_id,
            {**at, "held_on": "2026-11-02", "manager_name": "Bob", "actions": actions},
        )
    )
    assert reply.json()["results"][0]["status"] == "applied"
    base = server.get(Supervision, supervision_id).server_revision
    done = [{**actions[0], "done_on": "2026-11-12"}]
    taken = north.push(
        north.mutation(
            "taf_meeting",
            str(uuid.uuid4()),
            {**at, "kind": "initial_taf", "held_on": "2026-10-01", "status": "completed", "override_by": ""},
        ),
        north.mutation("supervision", supervision_id, {"actions": done}, op="update", base=base),
    ).json()["results"]
    assert [r["status"] for r in taken] == ["applied", "applied"]
    # But not the manager's record rewritten, nor removed.
    rewritten = north.push(
        north.mutation(
            "supervision", supervision_id, {"decisions": "Close the case"}, op="update", base=base
        ),
        north.mutation("supervision", supervision_id, {"deleted": True}, op="delete", base=base),
    ).json()["results"]
    assert [r["status"] for r in rewritten] == ["refused", "refused"]
    kept = server.get(Supervision, supervision_id)
    assert (kept.actions, kept.decisions, kept.deleted) == (done, "", False)

    # A worker closes a case; only a manager opens it again.
    revision = server.get(Episode, episode_id).server_revision
    closed = north.push(
        north.mutation(
            "episode", episode_id, {"status": "closed", "closed_on": "2026-11-30"}, op="update", base=revision
        )
    ).json()["results"]
    assert [r["status"] for r in closed] == ["applied"]
    revision = server.get(Episode, episode_id).server_revision
    reopened = north.push(
        north.mutation(
            "episode", episode_id, {"status": "open", "closed_on": None}, op="update", base=revision
        )
    ).json()["results"]
    assert [r["status"] for r in reopened] == ["refused"]
    assert server.get(Episode, episode_id).status == "closed"


# -- a worker who has left -------------------------------------------------------------------------


@pytest.mark.parametrize("wipe_first", [False, True])
def test_a_disabled_worker_cannot_sign_in_or_sync_and_their_laptop_can_still_be_wiped(
    server, laptops, wipe_first
):
    """There was no command to disable an account: a leaver whose laptops were revoked could sign
    in again from any laptop with their password and get a new device. Disabled, they cannot; and
    the wipe IT asks for still reaches their laptop, whichever is done first."""
    from ehdesk.sync.client import SignedOut

    ann = laptops("ann")
    ann.add_family("EH-LEAVER")
    ann.sync()
    with server.session() as s:
        if wipe_first:
            admin.revoke_device(s, username="ann", wipe=True)
        assert admin.disable_user(s, "ann") == ("ann", False)
        assert admin.disable_user(s, "ann") == ("ann", True)  # again: nothing changes
    refused = httpx.post(
        f"{server.base_url}/v1/auth/sign-in",
        json={"schema_version": V, "username": "ann", "password": PASSWORD},
    )
    assert refused.status_code == 401
    with server.session() as s:
        assert ("ann", "", "practitioner", True) in [
            (name, team and "", role, disabled) for name, team, role, disabled in admin.users(s)
        ]
    if not wipe_first:
        with pytest.raises(SignedOut):
            ann.sync()
        assert [f.reference for f in ann.rows(Family)] == ["EH-LEAVER"]  # kept, encrypted
        with server.session() as s:
            admin.revoke_device(s, username="ann", wipe=True)
    assert ann.sync().wiped
    assert ann.rows(Family) == []
    with server.session() as s:
        assert [
            a.action for a in s.scalars(select(ServerAudit).where(ServerAudit.action == "disable_user"))
        ] == ["disable_user"]
        assert admin.enable_user(s, "ann") == ("ann", False)
    assert Api(server, "ann").device_id  # signs in again
