"""Push requests travel in zstd to a server that says it takes it (its replies to large requests
carry ``Accept-Encoding: zstd, gzip``), and in gzip to a server of the release before, which never
says so: every change arrives either way. A small sync's replies do not say it (bytes)."""

import json
import os

import httpx
import zstandard

from ehdesk.models import Family, Person
from ehdesk.server import limits
from ehdesk.sync.client import SyncClient


class RecordingTransport(httpx.HTTPTransport):
    """The Content-Encoding of each push request the laptop sends."""

    def __init__(self) -> None:
        super().__init__()
        self.pushes: list[str | None] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/sync/push":
            self.pushes.append(request.headers.get("content-encoding"))
        return super().handle_request(request)


def _push_families(server, laptops) -> tuple[list[str | None], list[str]]:
    ann = laptops("ann")
    families = []
    with ann.store.session() as s:
        for i in range(5):
            # Notes of 20 KB however compressed: each batch is a large request (``SAY_ENCODINGS_FROM``).
            family = Family(
                reference=f"EH-{i}", team_id=ann.store.profile.team_id, notes=os.urandom(20_000).hex()
            )
            s.add(family)
            s.flush()
            s.add_all(
                Person(family_id=family.id, given_name=f"Child{n}", family_name="Test") for n in range(2)
            )
            families.append(family.id)
    transport = RecordingTransport()
    engine = ann.engine(transport=transport)
    engine.push_batch = 3  # a family and its two children a batch
    engine.sync()
    engine.client.close()
    return transport.pushes, families


def test_a_laptop_pushes_in_zstd_to_a_server_that_says_it_takes_it(server, laptops):
    pushes, families = _push_families(server, laptops)
    assert len(pushes) > 3
    # The first two batches are compressed before the first reply of this sync arrives (the
    # second while the server applies the first); from then on, zstd.
    assert set(pushes[:2]) <= {"gzip", "zstd"}
    assert set(pushes[2:]) == {"zstd"}
    assert server.count(Family, Family.id.in_(families)) == 5
    assert server.count(Person, Person.family_id.in_(families)) == 10


def test_a_server_of_the_release_before_is_sent_gzip_only(server, laptops, monkeypatch):
    monkeypatch.setattr(limits, "REQUEST_ENCODINGS", b"gzip")  # what it says: it takes gzip alone
    pushes, families = _push_families(server, laptops)
    assert len(pushes) > 3
    assert set(pushes) == {"gzip"}
    assert server.count(Family, Family.id.in_(families)) == 5
    assert server.count(Person, Person.family_id.in_(families)) == 10


def test_a_zstd_push_sent_again_after_a_busy_reply_is_the_same_request():
    bodies: list[bytes] = []

    def reply(request: httpx.Request) -> httpx.Response:
        assert request.headers["content-encoding"] == "zstd"
        with zstandard.ZstdDecompressor().stream_reader(request.content, read_across_frames=True) as reader:
            bodies.append(reader.read())
        if len(bodies) == 1:
            return httpx.Response(503, json={"detail": "busy"})
        result = {"last_seq": 4, "results": [], "revision": 9, "pull_needed": False}
        return httpx.Response(200, json=result, headers={"accept-encoding": "zstd, gzip"})

    client = SyncClient(
        "http://127.0.0.1:9", device_id="dev-1", transport=httpx.MockTransport(reply), sleep=lambda _: None
    )
    client.access_token = "token"
    client.server_takes_zstd = True  # as after an earlier reply of the same sync
    mutation = (
        '{"device_id":"dev-1","seq":4,"entity":"family","row_id":"f-1","op":"update",'
        '"fields":{"town":"Zoë\'s town"},"base_revision":2,"changed_at":"2026-12-06T10:00:00+00:00"}'
    )
    client.push_prepared(client.prepare_push(mutation), 7)
    assert len(bodies) == 2 and bodies[0] == bodies[1]
    request = json.loads(bodies[0])
    assert request["cursor"] == 7
    assert request["mutations"][0]["fields"] == {"town": "Zoë's town"}


def test_a_small_request_is_not_answered_with_the_encodings(server, laptops):
    """A one-field sync stays inside its 2 KB: the 29 bytes of the header are for large requests."""
    ann = laptops("ann")
    family_id = ann.add_family("EH-1")
    ann.sync()
    ann.edit(Family, family_id, town="Changed")
    transport = RecordingTransport()
    engine = ann.engine(transport=transport)
    engine.sync()
    engine.client.close()
    assert transport.pushes == ["gzip"]
    assert engine.client.server_takes_zstd is False
