"""Every endpoint × role × whose family: a team's own family, another team's, a family of no team.

Practitioners and managers reach only their own team's families (and a manager the team's
return); an admin reaches every family and the council's return. Every refusal changes nothing."""

import hashlib
import uuid

import pytest

from ehdesk.models import Blob, Family, Person
from ehdesk.server import admin
from ehdesk.server.changelog import Revisions, log_row
from ehdesk.server.models import BlobOwner
from ehdesk.sync import protocol as p
from tests.server.test_api import Api
from tests.sync.harness import PASSWORD

V = p.SCHEMA_VERSION
TARGETS = ("own", "other", "none")
ROLES = {
    # role -> (user, the targets it may reach)
    "practitioner": ("ann", {"own"}),
    "manager": ("max", {"own"}),
    "admin": ("boss", {"own", "other", "none"}),
    "no team": ("nat", set()),
}


def _family(server, team_id, reference):
    """A family with one member and one document, made on the server."""
    data = f"document of {reference}".encode()
    sha = hashlib.sha256(data).hexdigest()
    with server.session() as s:
        revisions = Revisions(s)
        family = Family(reference=reference, team_id=team_id)
        s.add(family)
        s.flush()
        log_row(s, revisions, family, ["reference"])
        person = Person(family_id=family.id, given_name="Child")
        s.add(person)
        s.flush()
        log_row(s, revisions, person, ["given_name"])
        blob = Blob(sha256=sha, family_id=family.id, media_type="application/pdf", size=len(data), data=data)
        s.add(blob)
        s.add(BlobOwner(sha256=sha, family_id=family.id))
        s.flush()
        admin.log_blob(s, revisions, blob)
        return family.id, person.id, sha, data


@pytest.fixture
def world(server):
    with server.session() as s:
        admin.create_user(s, "max", "North", "manager", PASSWORD)
        admin.create_user(s, "nat", "North", "practitioner", PASSWORD)
    with server.session() as s:
        from sqlalchemy import delete, select

        from ehdesk.models import User
        from ehdesk.server.models import TeamMember

        nat = s.scalars(select(User).where(User.username == "nat")).one()
        nat.team_id = None
        s.execute(delete(TeamMember).where(TeamMember.user_id == nat.id))
    return {
        "own": _family(server, server.teams["North"], "EH-OWN"),
        "other": _family(server, server.teams["South"], "EH-OTHER"),
        "none": _family(server, None, "EH-NONE"),
    }


@pytest.mark.parametrize("role", list(ROLES))
def test_authorization_matrix(server, world, role):
    username, allowed = ROLES[role]
    api = Api(server, username)
    pulled = api.pull().json()
    seen_families = {c["row_id"] for c in pulled["changes"] if c["entity"] == "family"}
    seen_blobs = {b["sha256"] for b in pulled["blobs"]}
    outcome = {}
    for target in TARGETS:
        family_id, person_id, sha, data = world[target]
        may = target in allowed
        # read: pull, blob download, blob fetch, blob existence
        assert (family_id in seen_families) is may, (role, target, "pull")
        assert (sha in seen_blobs) is may, (role, target, "pull blobs")
        got = api.http.get(f"/v1/blobs/{sha}", params={"schema_version": V})
        assert (got.status_code == 200 and got.content == data) is may, (role, target, "GET blob")
        fetched = api.http.post("/v1/blobs/fetch", json={"schema_version": V, "hashes": [sha]}).json()
        assert bool(fetched["blobs"]) is may, (role, target, "fetch")
        missing = api.http.post("/v1/blobs/missing", json={"schema_version": V, "hashes": [sha]}).json()
        assert (missing["missing"] == []) is may, (role, target, "missing")
        # write: an edit, a new member, a document
        results = api.push(
            api.mutation("family", family_id, {"notes": f"by {username}"}, op="update", base=1),
            api.mutation(
                "person",
                person_id,
                {"given_name": "Changed"},
                op="update",
                base=server.get(Person, person_id).server_revision,
            ),
            api.mutation("person", str(uuid.uuid4()), {"family_id": family_id, "given_name": "New"}),
        ).json()["results"]
        statuses = {r["status"] for r in results}
        assert statuses == ({"applied"} if may else {"refused"}), (role, target, statuses)
        extra = f"{role} {target}".encode()
        put = api.http.put(
            f"/v1/blobs/{hashlib.sha256(extra).hexdigest()}",
            content=extra,
            params={"schema_version": V, "media_type": "application/pdf", "family_id": family_id},
        )
        assert (put.status_code == 200) is may, (role, target, "PUT blob", put.status_code)
        family = server.get(Family, family_id)
        assert (family.notes == f"by {username}") is may, (role, target, "edit landed")
        assert (server.get(Person, person_id).given_name == "Changed") is may, (role, target, "member edit")
        outcome[target] = may
    report = api.http.get(
        "/v1/reports/return", params={"schema_version": V, "from": "2026-04-01", "to": "2027-03-31"}
    )
    assert report.status_code == (200 if role in ("manager", "admin") else 403), (role, report.text)
    assert outcome == {t: t in allowed for t in TARGETS}
