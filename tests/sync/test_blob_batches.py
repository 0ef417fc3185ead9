"""Signatures and documents go up many to a request: the server checks each one's hash and
family as it does a single upload, and the laptop records exactly those the server now holds.
A batch whose reply is lost, or that a crashing server never finished, is sent again and stored
once."""

import httpx
from sqlalchemy import func, select

from ehdesk.casework.blobs import put_blob
from ehdesk.models import Blob, BlobOnServer
from ehdesk.server import admin as server_admin
from ehdesk.server.models import ChangeLog, ServerAudit
from ehdesk.sync import engine as engine_module
from tests.sync.harness import CuttingProxy


class Recording(httpx.BaseTransport):
    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self._inner = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))

    def handle_request(self, request):
        self.requests.append((request.method, request.url.path))
        return self._inner.handle_request(request)


def signatures(laptop, families: list[str], each: int = 3) -> list[str]:
    hashes = []
    with laptop.store.session() as s:
        for i, family_id in enumerate(families):
            for j in range(each):
                hashes.append(put_blob(s, f"signature {i}/{j} ".encode() * (40 + j), "image/png", family_id))
    return hashes


def held_by_server(server, hashes) -> int:
    return server.count(Blob, Blob.sha256.in_(hashes))


def logged_once(server, hashes) -> bool:
    with server.session() as s:
        counts = dict(
            s.execute(
                select(ChangeLog.row_id, func.count())
                .where(ChangeLog.entity == "blob", ChangeLog.row_id.in_(hashes))
                .group_by(ChangeLog.row_id)
            ).all()
        )
    return counts == dict.fromkeys(hashes, 1)


def test_many_blobs_go_up_in_one_request_each_checked_for_scope_and_content(server, laptops):
    ann, sue = laptops("ann"), laptops("sue")
    south_family = sue.add_family("S-1")
    sue.sync()
    families = [ann.add_family(f"EH-{i}") for i in range(10)]
    good = signatures(ann, families)
    with ann.store.session() as s:
        # A family in another team's caseload, and a document whose bytes do not match its name.
        refused = put_blob(s, b"not ann's family" * 10, "image/png", south_family)
        s.add(Blob(sha256="0" * 64, family_id=families[0], media_type="image/png", size=3, data=b"abc"))
    transport = Recording()
    summary = ann.engine(transport=transport).sync()
    assert ("POST", "/v1/blobs/batch") in transport.requests
    assert sum(1 for r in transport.requests if r[1] == "/v1/blobs/batch") == 1
    assert not any(method == "PUT" for method, _ in transport.requests)
    assert summary.blobs_sent == 30
    assert held_by_server(server, good) == 30 and logged_once(server, good)
    assert held_by_server(server, [refused, "0" * 64]) == 0
    with ann.store.session() as s:
        recorded = set(s.scalars(select(BlobOnServer.sha256)))
    assert recorded == set(good)
    assert (
        server.count(ServerAudit, ServerAudit.action == "refused_write", ServerAudit.entity_id == refused)
        == 1
    )
    # The two the server did not take stay on the laptop and are offered again, never marked sent.
    again = ann.sync()
    assert again.blobs_sent == 0
    assert len(ann.rows(Blob)) == 32
    # Bob, in the same team, receives the 30 with his first sync.
    bob = laptops("bob")
    assert {b.sha256 for b in bob.rows(Blob)} == set(good)


def test_batches_split_by_count(server, laptops, monkeypatch):
    ann = laptops("ann")
    good = signatures(ann, [ann.add_family(f"EH-{i}") for i in range(10)])
    monkeypatch.setattr(engine_module, "MAX_BATCH_BLOBS", 7)
    transport = Recording()
    assert ann.engine(transport=transport).sync().blobs_sent == 30
    assert sum(1 for r in transport.requests if r[1] == "/v1/blobs/batch") == 5  # 7+7+7+7+2
    assert held_by_server(server, good) == 30 and logged_once(server, good)


def test_batch_reply_lost_is_sent_again_and_stored_once(server, laptops):
    ann = laptops("ann")
    good = signatures(ann, [ann.add_family(f"EH-{i}") for i in range(6)])
    proxy = CuttingProxy(server.port)
    try:
        # Connections: token renewal, push, "which are missing?", then the batch: its reply is lost.
        proxy.arm(after_bytes=0, times=1, skip=3)
        transport = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
        summary = ann.engine(proxy.url, transport=transport).sync()
    finally:
        proxy.close()
    assert proxy.cuts == 1
    assert summary.blobs_sent == 0  # the resent batch found them all present
    assert held_by_server(server, good) == 18 and logged_once(server, good)
    with ann.store.session() as s:
        assert set(s.scalars(select(BlobOnServer.sha256))) == set(good)


def test_server_crashing_mid_batch_stores_nothing_half_way_then_everything_once(server, laptops, monkeypatch):
    ann = laptops("ann")
    good = signatures(ann, [ann.add_family(f"EH-{i}") for i in range(6)])
    real_log = server_admin.blob_log_row
    calls = {"n": 0}

    def crash_on_tenth(revisions, blob, family_id=None):
        calls["n"] += 1
        if calls["n"] == 10:
            raise SystemError("server process killed mid-batch")
        return real_log(revisions, blob, family_id)

    monkeypatch.setattr(server_admin, "blob_log_row", crash_on_tenth)
    restarts = []

    def restart_instead_of_waiting(seconds):
        restarts.append(held_by_server(server, good))  # nothing of the crashed batch was kept
        server.restart()

    summary = ann.engine(sleep=restart_instead_of_waiting).sync()
    assert restarts == [0]
    assert summary.blobs_sent == 18
    assert held_by_server(server, good) == 18 and logged_once(server, good)
