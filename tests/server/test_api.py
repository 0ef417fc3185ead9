"""The server's contract: sign-in, scope on every read and write, and refusal of anything
malformed, oversized or replayed, with nothing changed and refusals audited."""

import gzip
import hashlib
import json
import uuid

import httpx
import pytest
import zstandard
from sqlalchemy import select

from ehdesk.models import Blob, Family, Person
from ehdesk.server import admin
from ehdesk.server.models import ChangeLog, Device, Quarantine, ServerAudit
from ehdesk.sync import protocol as p
from tests.sync.harness import PASSWORD

V = p.SCHEMA_VERSION


class Api:
    def __init__(self, server, username):
        self.http = httpx.Client(base_url=server.base_url, timeout=10)
        reply = self.http.post(
            "/v1/auth/sign-in", json={"schema_version": V, "username": username, "password": PASSWORD}
        )
        assert reply.status_code == 200, reply.text
        self.session = reply.json()
        self.device_id = self.session["device_id"]
        self.http.headers["Authorization"] = f"Bearer {self.session['access_token']}"
        self.seq = 0

    def mutation(self, entity, row_id, fields, op="insert", base=0, seq=None):
        if seq is None:
            self.seq += 1
            seq = self.seq
        return {
            "device_id": self.device_id,
            "seq": seq,
            "entity": entity,
            "row_id": row_id,
            "op": op,
            "fields": fields,
            "base_revision": base,
            "changed_at": "0000000000001-00000-x",
        }

    def push(self, *mutations, **extra):
        body = {"schema_version": V, "device_id": self.device_id, "mutations": list(mutations), **extra}
        return self.http.post("/v1/sync/push", json=body)

    def pull(self, cursor=0):
        return self.http.post(
            "/v1/sync/pull", json={"schema_version": V, "device_id": self.device_id, "cursor": cursor}
        )

    def new_family(self, team_id=None, **fields):
        family_id = str(uuid.uuid4())
        reply = self.push(
            self.mutation("family", family_id, {"reference": "EH-9", "team_id": team_id, **fields})
        )
        assert reply.status_code == 200, reply.text
        return family_id, reply.json()


@pytest.fixture
def north(server):
    return Api(server, "ann")


@pytest.fixture
def south(server):
    return Api(server, "sue")


def test_sign_in_wrong_password_then_rate_limited(server):
    http = httpx.Client(base_url=server.base_url)
    for _ in range(5):
        r = http.post(
            "/v1/auth/sign-in", json={"schema_version": V, "username": "ann", "password": "nope-nope"}
        )
        assert r.status_code == 401
        assert r.json()["detail"] == "The user name or password is wrong."
    r = http.post("/v1/auth/sign-in", json={"schema_version": V, "username": "ann", "password": PASSWORD})
    assert r.status_code == 429
    assert server.count(Device) == 0


def test_requests_without_a_valid_token_are_refused(server, north):
    body = {"schema_version": V, "device_id": north.device_id, "cursor": 0}
    assert httpx.post(f"{server.base_url}/v1/sync/pull", json=body).status_code == 401
    forged = north.session["access_token"][:-3] + "AAA"
    r = httpx.post(
        f"{server.base_url}/v1/sync/pull", json=body, headers={"Authorization": f"Bearer {forged}"}
    )
    assert r.status_code == 401


def test_refresh_token_is_bound_to_its_device_and_revocation_stops_everything(server, north):
    refresh = {
        "schema_version": V,
        "device_id": north.device_id,
        "refresh_token": north.session["refresh_token"],
    }
    assert north.http.post("/v1/auth/refresh", json=refresh).status_code == 200
    other = Api(server, "ann")
    stolen = {**refresh, "device_id": other.device_id}
    assert north.http.post("/v1/auth/refresh", json=stolen).status_code == 401
    with server.session() as s:
        admin.revoke_device(s, device_id=north.device_id)
    assert north.pull().status_code == 401
    assert north.http.post("/v1/auth/refresh", json=refresh).status_code == 401
    assert other.pull().status_code == 200


def test_another_teams_family_cannot_be_read_written_or_its_blob_fetched(server, north, south):
    family_id, _ = north.new_family(team_id=server.teams["North"], notes="private")
    person_id = str(uuid.uuid4())
    assert (
        north.push(
            north.mutation("person", person_id, {"family_id": family_id, "given_name": "A"})
        ).status_code
        == 200
    )
    data = b"%PDF signed agreement"
    sha = hashlib.sha256(data).hexdigest()
    put = north.http.put(
        f"/v1/blobs/{sha}",
        content=data,
        params={"schema_version": V, "media_type": "application/pdf", "family_id": family_id},
    )
    assert put.json() == {"stored": True}
    log_before = server.count(ChangeLog)

    # Read: the pull never includes it, the blob is "not found".
    pulled = south.pull().json()
    assert all(c["family_id"] != family_id for c in pulled["changes"])
    assert all(b["sha256"] != sha for b in pulled["blobs"])
    assert south.http.get(f"/v1/blobs/{sha}", params={"schema_version": V}).status_code == 404
    assert south.http.post("/v1/blobs/fetch", json={"schema_version": V, "hashes": [sha]}).json() == {
        "blobs": []
    }
    fetched = north.http.post("/v1/blobs/fetch", json={"schema_version": V, "hashes": [sha]}).json()["blobs"]
    assert [b["sha256"] for b in fetched] == [sha]
    assert north.http.get(f"/v1/blobs/{sha}", params={"schema_version": V}).content == data

    # Write: every way in is refused, kept aside in quarantine, audited, and changes nothing.
    attempts = [
        south.mutation("family", family_id, {"notes": "overwritten"}, op="update", base=1),
        south.mutation("person", person_id, {"given_name": "B"}, op="update", base=1),
        south.mutation("person", str(uuid.uuid4()), {"family_id": family_id, "given_name": "Sneaky"}),
        south.mutation("family", str(uuid.uuid4()), {"reference": "X", "team_id": server.teams["North"]}),
        south.mutation("team", server.teams["North"], {"name": "Renamed"}, op="update", base=1),
    ]
    reply = south.push(*attempts)
    assert reply.status_code == 200
    assert [r["status"] for r in reply.json()["results"]] == ["refused"] * len(attempts)
    blob_put = south.http.put(
        f"/v1/blobs/{'0' * 64}",
        content=b"x",
        params={"schema_version": V, "media_type": "text/plain", "family_id": family_id},
    )
    assert blob_put.status_code == 422  # the hash does not match: refused before scope is even asked
    data2 = b"other"
    sha2 = hashlib.sha256(data2).hexdigest()
    blob_put = south.http.put(
        f"/v1/blobs/{sha2}",
        content=data2,
        params={"schema_version": V, "media_type": "text/plain", "family_id": family_id},
    )
    assert blob_put.status_code == 404
    assert server.get(Family, family_id).notes == "private"
    assert server.get(Person, person_id).given_name == "A"
    assert server.count(ChangeLog) == log_before
    assert server.count(Quarantine) == len(attempts)
    assert server.count(ServerAudit, ServerAudit.action.like("refused_%")) == len(attempts) + 3
    assert server.get(Blob, sha2) is None
    # Each laptop may ask why its own changes were refused, and only its own.
    asked = [m["seq"] for m in attempts] + [9999]
    why = south.http.post(
        "/v1/sync/refusals", json={"schema_version": V, "device_id": south.device_id, "seqs": asked}
    )
    assert [(r["seq"], r["reason"]) for r in why.json()["refusals"]][:2] == [
        (attempts[0]["seq"], "The family belongs to another team."),
        (attempts[1]["seq"], "The record belongs to a family of another team."),
    ]
    assert len(why.json()["refusals"]) == len(attempts)
    theirs = {"schema_version": V, "device_id": north.device_id, "seqs": asked}
    assert south.http.post("/v1/sync/refusals", json=theirs).status_code == 422
    assert north.http.post("/v1/sync/refusals", json=theirs).json() == {"refusals": []}


def test_manager_sees_their_team_admin_sees_all(server, north, south):
    family_n, _ = north.new_family(team_id=server.teams["North"])
    family_s, _ = south.new_family(team_id=server.teams["South"])
    boss = Api(server, "boss")
    seen = {c["row_id"] for c in boss.pull().json()["changes"] if c["entity"] == "family"}
    assert {family_n, family_s} <= seen
    # A manager sees their team's families only (and the pushing laptop is not sent its own rows back).
    meg = Api(server, "meg")
    seen_by_meg = {c["row_id"] for c in meg.pull().json()["changes"] if c["entity"] == "family"}
    assert family_s in seen_by_meg and family_n not in seen_by_meg
    ann_elsewhere = Api(server, "ann")
    seen_by_ann = {c["row_id"] for c in ann_elsewhere.pull().json()["changes"] if c["entity"] == "family"}
    assert family_n in seen_by_ann and family_s not in seen_by_ann
    assert north.pull().json()["changes"] == [] or all(
        c["row_id"] != family_n for c in north.pull().json()["changes"]
    )


def test_replayed_push_is_acknowledged_but_applied_once(server, north):
    family_id = str(uuid.uuid4())
    m = north.mutation("family", family_id, {"reference": "EH-1", "team_id": server.teams["North"]})
    first = north.push(m).json()
    log = server.count(ChangeLog)
    again = north.push(m).json()
    assert first["results"][0]["status"] == "applied"
    assert again["results"][0]["status"] == "duplicate"
    assert again["last_seq"] == first["last_seq"] == 1
    assert server.count(ChangeLog) == log


def test_a_push_says_whether_anything_waits_to_be_pulled(server, north):
    """An up-to-date laptop's edit needs no pull (told without a query); a teammate's change, or a
    conflict, still does."""
    bob = Api(server, "bob")
    family_id, created = north.new_family(team_id=server.teams["North"])
    cursor = created["revision"]
    edit = north.push(
        north.mutation("family", family_id, {"notes": "seen"}, op="update", base=cursor), cursor=cursor
    ).json()
    assert edit["results"][0]["status"] == "applied" and edit["pull_needed"] is False
    cursor = edit["revision"]
    teammate = bob.push(bob.mutation("family", family_id, {"town": "Leeds"}, op="update", base=cursor)).json()
    assert teammate["results"][0]["status"] == "applied"
    after = north.push(
        north.mutation("family", family_id, {"postcode": "LS1"}, op="update", base=cursor), cursor=cursor
    ).json()
    assert after["results"][0]["status"] == "applied" and after["pull_needed"] is True
    # Up to date again, but its edit meets the teammate's on the same field: the conflict is pulled.
    cursor = after["revision"]
    bob.push(bob.mutation("family", family_id, {"notes": "bob's"}, op="update", base=cursor))
    clash = north.push(
        north.mutation("family", family_id, {"notes": "ann's"}, op="update", base=cursor),
        cursor=teammate_head(server),
    ).json()
    assert clash["results"][0]["status"] == "conflict" and clash["pull_needed"] is True


def teammate_head(server) -> int:
    with server.session() as s:
        return max(s.scalars(select(ChangeLog.revision)))


@pytest.mark.parametrize(
    "body, status",
    [
        (b"{not json", 422),
        (json.dumps({"schema_version": V, "device_id": "d", "mutations": [], "extra": 1}).encode(), 422),
        (json.dumps({"schema_version": 99, "device_id": "d", "mutations": []}).encode(), 400),
    ],
    ids=["not-json", "unknown-key", "unsupported-version"],
)
def test_malformed_pushes_are_refused(server, north, body, status):
    log = server.count(ChangeLog)
    r = north.http.post("/v1/sync/push", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == status
    assert server.count(ChangeLog) == log


def test_bad_batches_change_nothing_at_all(server, north):
    good = north.mutation("family", str(uuid.uuid4()), {"reference": "OK", "team_id": server.teams["North"]})
    bad_date = north.mutation(
        "person",
        str(uuid.uuid4()),
        {"family_id": good["row_id"], "given_name": "A", "date_of_birth": "not a date"},
    )
    missing = north.mutation("person", str(uuid.uuid4()), {"family_id": good["row_id"]})
    out_of_order = [north.mutation("family", str(uuid.uuid4()), {"reference": "A"}, seq=9), good]
    other_device = {**good, "device_id": "someone-else"}
    for batch in ([good, bad_date], [good, missing], out_of_order, [other_device]):
        r = north.push(*batch)
        assert r.status_code == 422, r.text
        assert isinstance(r.json()["detail"], str | list)
    assert server.count(ChangeLog, ChangeLog.entity == "family") == 0
    with server.session() as s:
        assert s.scalars(select(Device.last_seq).where(Device.id == north.device_id)).one() == 0


def test_a_large_batch_with_one_row_out_of_scope_applies_the_rest_and_keeps_that_one_aside(
    server, north, south
):
    """The server applies a batch in bulk, yet checks every row: the one change to another team's
    family is refused and quarantined, the rest land with their change-log rows, exactly once."""
    south_family, _ = south.new_family(server.teams["South"], notes="theirs")
    log_before = server.count(ChangeLog)
    family_id = str(uuid.uuid4())
    batch = [north.mutation("family", family_id, {"reference": "EH-BIG", "team_id": server.teams["North"]})]
    people = [str(uuid.uuid4()) for _ in range(398)]
    batch += [
        north.mutation("person", person_id, {"family_id": family_id, "given_name": f"P{i}"})
        for i, person_id in enumerate(people[:200])
    ]
    intruder = str(uuid.uuid4())
    batch.append(north.mutation("person", intruder, {"family_id": south_family, "given_name": "Sneaky"}))
    batch += [
        north.mutation("person", person_id, {"family_id": family_id, "given_name": f"P{i}"})
        for i, person_id in enumerate(people[200:], start=200)
    ]
    reply = north.push(*batch)
    assert reply.status_code == 200, reply.text
    statuses = [r["status"] for r in reply.json()["results"]]
    assert statuses.count("applied") == 399 and statuses[201] == "refused"
    assert server.get(Person, intruder) is None
    assert server.count(Person, Person.family_id == family_id) == 398
    assert server.count(ChangeLog) == log_before + 399
    assert server.count(Quarantine) == 1
    assert server.get(Person, people[-1]).given_name == "P397"
    # Sent again (the reply was lost): acknowledged, not applied twice.
    again = north.push(*batch).json()
    assert {r["status"] for r in again["results"]} == {"duplicate"}
    assert server.count(ChangeLog) == log_before + 399
    assert server.count(Quarantine) == 1


def test_a_large_batch_with_one_bad_row_changes_nothing(server, north):
    family_id = str(uuid.uuid4())
    batch = [north.mutation("family", family_id, {"reference": "EH-BAD", "team_id": server.teams["North"]})]
    batch += [
        north.mutation("person", str(uuid.uuid4()), {"family_id": family_id, "given_name": f"P{i}"})
        for i in range(300)
    ]
    batch.append(north.mutation("person", str(uuid.uuid4()), {"family_id": family_id}))  # no name
    log_before = server.count(ChangeLog)
    reply = north.push(*batch)
    assert reply.status_code == 422, reply.text
    assert server.count(ChangeLog) == log_before
    assert server.count(Person, Person.family_id == family_id) == 0
    assert server.get(Family, family_id) is None


def test_previous_schema_version_is_still_served(server, north):
    r = north.http.post(
        "/v1/sync/pull", json={"schema_version": V - 1, "device_id": north.device_id, "cursor": 0}
    )
    assert r.status_code == 200


def test_oversized_bodies_are_refused(server, north):
    huge = json.dumps(
        {"schema_version": V, "device_id": north.device_id, "mutations": [], "pad": "x" * 2_000_000}
    )
    assert (
        north.http.post(
            "/v1/sync/push", content=huge, headers={"Content-Type": "application/json"}
        ).status_code
        == 413
    )


COMPRESS = {"gzip": gzip.compress, "zstd": zstandard.ZstdCompressor(level=3).compress}


@pytest.mark.parametrize("encoding", sorted(COMPRESS))
def test_compression_bombs_and_fake_bodies_are_refused(server, north, encoding):
    headers = {"Content-Type": "application/json", "Content-Encoding": encoding}
    bomb = COMPRESS[encoding](b" " * 20_000_000)
    assert len(bomb) < 30_000  # 1 MB as sent would pass; unpacked, it is over 8 MB
    assert north.http.post("/v1/sync/push", content=bomb, headers=headers).status_code == 413
    r = north.http.post("/v1/sync/push", content=f"not {encoding}".encode(), headers=headers)
    assert r.status_code == 400
    assert r.json()["detail"] == f"The request says it is {encoding} but is not."
    assert server.count(ChangeLog, ChangeLog.entity == "family") == 0


def test_a_zstd_push_in_two_frames_is_taken(server, north):
    """A push compressed up to its cursor, the cursor then in a frame of its own (``SyncClient``)."""
    head = (
        json.dumps({"schema_version": V, "device_id": north.device_id, "mutations": []})[:-1] + ',"cursor":'
    )
    r = north.http.post(
        "/v1/sync/push",
        content=COMPRESS["zstd"](head.encode()) + COMPRESS["zstd"](b"0}"),
        headers={"Content-Type": "application/json", "Content-Encoding": "zstd"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["results"] == []


def test_gzip_both_ways(server, north):
    body = gzip.compress(
        json.dumps({"schema_version": V, "device_id": north.device_id, "cursor": 0}).encode()
    )
    r = north.http.post(
        "/v1/sync/pull",
        content=body,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip", "Accept-Encoding": "gzip"},
    )
    assert r.status_code == 200
    assert r.headers.get("content-encoding") == "gzip"
    assert r.json()["cursor"] >= 1


def test_blob_is_stored_once(server, north):
    family_id, _ = north.new_family(team_id=server.teams["North"])
    data = b"signature strokes"
    sha = hashlib.sha256(data).hexdigest()
    params = {"schema_version": V, "media_type": "image/png", "family_id": family_id}
    missing = north.http.post("/v1/blobs/missing", json={"schema_version": V, "hashes": [sha]}).json()
    assert missing == {"missing": [sha]}
    assert north.http.put(f"/v1/blobs/{sha}", content=data, params=params).json() == {"stored": True}
    assert north.http.put(f"/v1/blobs/{sha}", content=data, params=params).json() == {"stored": False}
    assert north.http.post("/v1/blobs/missing", json={"schema_version": V, "hashes": [sha]}).json() == {
        "missing": []
    }
    assert server.count(Blob) == 1


def test_wipe_profile_is_sent_at_next_pull(server, north):
    with server.session() as s:
        admin.wipe_profile(s, username="ann")
    assert north.pull().json()["wipe"] is True


def test_openapi_lists_every_endpoint(server):
    spec = httpx.get(f"{server.base_url}/openapi.json").json()
    assert set(spec["paths"]) == {
        "/v1/health",
        "/v1/auth/sign-in",
        "/v1/auth/refresh",
        "/v1/auth/sign-out",
        "/v1/sync/push",
        "/v1/sync/pull",
        "/v1/sync/refusals",
        "/v1/sync/snapshot",
        "/v1/blobs/missing",
        "/v1/blobs/fetch",
        "/v1/blobs/batch",
        "/v1/blobs/{sha256}",
        "/v1/reports/return",
        "/v1/health/ready",
    }


def test_snapshot_holds_only_the_workers_scope_and_needs_schema_3(server, north, south):
    from ehdesk.sync import framing

    family_id, _ = north.new_family(team_id=server.teams["North"], notes="private")
    data = b"north signature"
    sha = hashlib.sha256(data).hexdigest()
    north.http.put(
        f"/v1/blobs/{sha}",
        content=data,
        params={"schema_version": V, "media_type": "image/png", "family_id": family_id},
    )

    def snapshot(client):
        reply = client.http.post(
            "/v1/sync/snapshot", json={"schema_version": V, "device_id": client.device_id}
        )
        assert reply.status_code == 200
        frames = framing.FrameReader(reply.headers["x-ehdesk-codec"]).feed(reply.content)
        assert frames[-1].last
        tables = {table for f in frames for table, _, _ in f.sections}
        rows = [row[1] for f in frames for row in f.rows()]
        return tables, rows, {h for f in frames for h in f.blobs}

    _, rows, blobs = snapshot(north)
    assert family_id in {r["id"] for r in rows} and sha in blobs
    tables, rows, blobs = snapshot(south)
    assert family_id not in {r["id"] for r in rows} and family_id not in {r.get("family_id") for r in rows}
    assert sha not in blobs and tables <= {"team", "user_account", "family"}
    old = south.http.post("/v1/sync/snapshot", json={"schema_version": V - 1, "device_id": south.device_id})
    assert old.status_code == 400
    other = south.http.post("/v1/sync/snapshot", json={"schema_version": V, "device_id": north.device_id})
    assert other.status_code == 422


def test_malformed_blob_batches_are_refused_whole(server, north):
    for body in (b"no header at all", b'{"schema_version": 3, "blobs": [["x", "y", null, 5]]}\nabc', b"{}\n"):
        assert north.http.post("/v1/blobs/batch", content=body).status_code == 422
    assert server.count(Blob) == 0
