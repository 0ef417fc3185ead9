"""Signing an existing profile in again, against the real server (SQLite, and PostgreSQL when
configured): after IT resets the worker's password or a refresh token is presented twice, the
laptop proves the password online and carries on as the same device; a revoked, wiped, unknown or
another worker's device is refused in plain words and nothing changes."""

from __future__ import annotations

import threading
import time
import uuid

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, HTTPException
from fastapi.exceptions import RequestValidationError
from pydantic import Field
from sqlalchemy import select

from ehdesk.casework import audit
from ehdesk.errors import EhdeskError
from ehdesk.models import AuditEvent, Family, OutboxEntry, User
from ehdesk.server import admin
from ehdesk.server.limits import BodyLimits
from ehdesk.server.models import Device, RefreshToken, ServerAudit
from ehdesk.server.openapi import validation_error
from ehdesk.server.routes.auth import ANOTHER_WORKERS, NOT_THIS_SERVERS, REVOKED, WIPED
from ehdesk.store import ProfileManager
from ehdesk.sync import protocol as p
from ehdesk.sync.client import SERVER_TOO_OLD_TO_SIGN_IN_AGAIN, SignedOut, SyncClient, SyncRefused
from ehdesk.sync.provision import sign_in_again
from ehdesk.sync.tokens import load_refresh_token
from tests.sync.harness import PASSWORD, free_port

NEW_PASSWORD = "a-new-password-from-IT"


def _client(server, **options) -> SyncClient:
    return SyncClient(server.base_url, backoff=0.01, **options)


def _user_id(server, username: str) -> str:
    with server.session() as s:
        return s.scalars(select(User.id).where(User.username == username)).one()


def _devices(server, username: str) -> list[Device]:
    with server.session() as s:
        return list(s.scalars(select(Device).where(Device.user_id == _user_id(server, username))))


def _live_tokens(server, device_id: str) -> int:
    return server.count(RefreshToken, RefreshToken.device_id == device_id, RefreshToken.revoked.is_(False))


def _waiting(laptop) -> int:
    return len(laptop.rows(OutboxEntry))


def test_after_a_password_reset_the_profile_signs_in_again_as_the_same_device_and_sends_its_changes_once(
    server, laptops
):
    ann = laptops("ann")
    device_id = ann.store.device_id
    family_id = ann.add_family("EH-WAITING", members=1)
    with ann.store.session() as s:
        for action in ("view", "print", "export"):
            audit.record(s, action, "family", family_id, family_id=family_id)
    with server.session() as s:
        admin.reset_password(s, "ann", NEW_PASSWORD)
    with pytest.raises(SignedOut, match="no longer accepts this laptop's sign-in"):
        ann.sync()
    assert ann.statuses[-1].signed_out and ann.statuses[-1].waiting > 0
    assert server.count(Family) == 0

    # The old password no longer works on the server (it still unlocks the laptop).
    with pytest.raises(SignedOut, match="The user name or password is wrong."):
        sign_in_again(ann.store, PASSWORD, client=_client(server))
    summary = sign_in_again(ann.store, NEW_PASSWORD, client=_client(server))

    assert summary.pushed >= 5  # the family, its member and three audit events
    assert summary.status.state == "up_to_date" and summary.status.waiting == 0
    assert ann.store.device_id == device_id
    [device] = _devices(server, "ann")  # never a second device for the profile
    assert device.id == device_id and not device.revoked
    assert device.last_seq == ann.max_seq()  # the outbox sequence carried on
    assert _live_tokens(server, device_id) == 1
    assert server.count(Family, Family.reference == "EH-WAITING") == 1
    with server.session() as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.device_id == device_id).order_by(AuditEvent.chain_seq)
        ).all()
        assert [e.chain_seq for e in events] == list(range(1, len(events) + 1))
        assert [e.action for e in events][-3:] == ["view", "print", "export"]
        assert s.get(Device, device_id).audit_seq == len(events)
    assert len(events) == len(ann.rows(AuditEvent, AuditEvent.device_id == device_id))
    assert server.count(ServerAudit, ServerAudit.action == "audit_chain_break") == 0
    assert server.count(ServerAudit, ServerAudit.action == "sign_in_again") == 1
    # Once: the next sync sends nothing again, with the token that was put away.
    assert ann.sync().pushed == 0
    assert server.count(Family, Family.reference == "EH-WAITING") == 1
    # The laptop still unlocks with the password it always had.
    ann.store.close()
    ann.store = ProfileManager(ann.data_dir).unlock("ann", PASSWORD)
    assert ann.sync().pushed == 0


def test_after_a_refresh_token_is_presented_twice_the_worker_signs_in_again(server, laptops):
    ann = laptops("ann")
    first = load_refresh_token(ann.store)
    ann.sync()
    ann.sync()  # the token that replaced the first has been used too
    stolen = {"schema_version": p.SCHEMA_VERSION, "device_id": ann.store.device_id, "refresh_token": first}
    assert httpx.post(f"{server.base_url}/v1/auth/refresh", json=stolen).status_code == 401
    assert server.count(ServerAudit, ServerAudit.action == "refresh_token_reused") == 1
    ann.add_family("EH-AFTER")
    with pytest.raises(SignedOut):
        ann.sync()
    summary = sign_in_again(ann.store, PASSWORD, client=_client(server))
    assert summary.pushed == 2
    assert [d.id for d in _devices(server, "ann")] == [ann.store.device_id]
    assert server.count(Family, Family.reference == "EH-AFTER") == 1
    # The first token, presented again, still opens nothing.
    assert httpx.post(f"{server.base_url}/v1/auth/refresh", json=stolen).status_code == 401


def test_a_revoked_laptop_is_refused_in_plain_words_and_nothing_changes(server, laptops):
    ann = laptops("ann")
    ann.add_family("EH-KEPT")
    waiting = _waiting(ann)
    token = load_refresh_token(ann.store)
    with server.session() as s:
        admin.revoke_device(s, device_id=ann.store.device_id)
    with pytest.raises(SyncRefused) as refused:
        sign_in_again(ann.store, PASSWORD, client=_client(server))
    assert refused.value.status == 403
    assert refused.value.message == REVOKED
    assert "IT has revoked this laptop" in REVOKED
    # Nothing changed: on the laptop ...
    assert load_refresh_token(ann.store) == token
    assert _waiting(ann) == waiting
    assert [f.reference for f in ann.rows(Family)] == ["EH-KEPT"]
    # ... nor on the server: the same one device, still revoked, with no session.
    [device] = _devices(server, "ann")
    assert device.id == ann.store.device_id and device.revoked
    assert _live_tokens(server, device.id) == 0
    assert server.count(Family) == 0
    with server.session() as s:
        [refusal] = s.scalars(select(ServerAudit).where(ServerAudit.action == "sign_in_again_refused")).all()
        assert refusal.device_id == device.id and refusal.detail == {"reason": "revoked"}
    with pytest.raises(SignedOut):
        ann.sync()


def test_a_laptop_to_be_wiped_is_refused_and_wiped_at_its_next_sync(server, laptops):
    ann = laptops("ann")
    ann.add_family("EH-LOST")
    with server.session() as s:
        admin.wipe_profile(s, device_id=ann.store.device_id)
    with pytest.raises(SyncRefused) as refused:
        sign_in_again(ann.store, PASSWORD, client=_client(server))
    assert refused.value.status == 403 and refused.value.message == WIPED
    assert len(_devices(server, "ann")) == 1
    assert ann.sync().wiped
    assert ann.rows(Family) == []


def test_another_workers_password_on_this_profile_is_refused(server, laptops):
    ann = laptops("ann")
    ann.add_family("EH-ANNS")
    token = load_refresh_token(ann.store)
    with pytest.raises(SyncRefused) as refused:
        sign_in_again(ann.store, PASSWORD, username="bob", client=_client(server))
    assert refused.value.status == 409 and refused.value.message == ANOTHER_WORKERS
    assert load_refresh_token(ann.store) == token
    assert _devices(server, "bob") == []  # no device made for bob, none given to him
    assert [d.id for d in _devices(server, "ann")] == [ann.store.device_id]
    assert server.count(Family) == 0
    with server.session() as s:
        [refusal] = s.scalars(select(ServerAudit).where(ServerAudit.action == "sign_in_again_refused")).all()
        assert refusal.detail == {"reason": "another_user"}
    # Ann's user name with bob's password is simply a wrong password.
    with pytest.raises(SignedOut, match="The user name or password is wrong."):
        sign_in_again(ann.store, "bobs-password", client=_client(server))


def test_the_laptop_itself_refuses_a_reply_for_another_worker(laptops, server):
    """Whatever a server answers, a profile is one worker: a reply for someone else is not kept,
    and the session it opened is ended."""
    ann = laptops("ann")
    token = load_refresh_token(ann.store)
    bob_id = _user_id(server, "bob")

    class Answering:
        signed_out = closed = False

        def sign_in(self, username, password, device_name="", device_id=None):
            return p.SignInResponse(
                access_token="a",
                refresh_token="r" * 43,
                expires_in=900,
                user_id=bob_id,
                username="bob",
                display_name="Bob",
                role="practitioner",
                team_id=None,
                team_ids=[],
                device_id=device_id,
            )

        def sign_out(self):
            self.signed_out = True

        def close(self):
            self.closed = True

    client = Answering()
    with pytest.raises(EhdeskError, match="another worker's: this profile is ann's"):
        sign_in_again(ann.store, PASSWORD, client=client)
    assert client.signed_out and client.closed
    assert load_refresh_token(ann.store) == token


def test_a_device_the_server_does_not_know_is_refused(server, tmp_path):
    """A server restored from a backup taken before this laptop first signed in."""
    profiles = ProfileManager(tmp_path / "restored-laptop")
    profiles.create(
        "ann",
        PASSWORD,
        server_url=server.base_url,
        username="ann",
        user_id=_user_id(server, "ann"),
        device_id=str(uuid.uuid4()),
    )
    store = profiles.unlock("ann", PASSWORD)
    try:
        with pytest.raises(SyncRefused) as refused:
            sign_in_again(store, PASSWORD, client=_client(server))
        assert refused.value.status == 409 and refused.value.message == NOT_THIS_SERVERS
        assert "contact IT" in NOT_THIS_SERVERS
        assert load_refresh_token(store) is None
    finally:
        store.close()
    assert _devices(server, "ann") == []


def test_wrong_passwords_signing_in_again_are_limited_as_at_a_first_sign_in(server, laptops):
    ann = laptops("ann")
    for _ in range(5):
        with pytest.raises(SignedOut, match="The user name or password is wrong."):
            sign_in_again(ann.store, "guess-guess", client=_client(server, retries=0))
    with pytest.raises(SyncRefused, match="Too many failed sign-ins. Wait 60 seconds") as refused:
        sign_in_again(ann.store, PASSWORD, client=_client(server, retries=0))
    assert refused.value.status == 429
    assert server.count(ServerAudit, ServerAudit.action == "sign_in_failed") == 5


def test_a_first_sign_in_of_the_previous_release_still_registers_a_new_device(server, laptops):
    ann = laptops("ann")
    body = {"schema_version": p.SCHEMA_VERSION - 1, "username": "ann", "password": PASSWORD}
    reply = httpx.post(f"{server.base_url}/v1/auth/sign-in", json=body)
    assert reply.status_code == 200
    assert reply.json()["device_id"] != ann.store.device_id
    assert len(_devices(server, "ann")) == 2


# -- a server of the release before --------------------------------------------------------------


class _PreviousSignInRequest(p.Versioned):
    """The sign-in request as the previous release's server reads it: no ``device_id``."""

    username: p.Text = Field(min_length=1, max_length=120)
    password: p.Text = Field(min_length=1, max_length=1024)
    device_name: p.Text = Field(default="", max_length=120)


@pytest.fixture
def previous_server():
    app = FastAPI()
    app.add_exception_handler(RequestValidationError, validation_error)

    @app.post("/v1/auth/sign-in")
    def sign_in(body: _PreviousSignInRequest):
        raise HTTPException(401, "The user name or password is wrong.")

    app.add_middleware(BodyLimits)  # unpacks the gzipped body, as every ehdesk server does
    port = free_port()
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


def test_a_server_of_the_release_before_is_named_as_needing_an_update(store, previous_server):
    client = SyncClient(previous_server, backoff=0.01)
    try:
        # A first sign-in does not send the new field: that server reads it as ever.
        with pytest.raises(SignedOut, match="The user name or password is wrong."):
            client.sign_in("ann", PASSWORD)
        with pytest.raises(SyncRefused) as refused:
            client.sign_in("ann", PASSWORD, device_id=store.device_id)
    finally:
        client.close()
    assert refused.value.message == SERVER_TOO_OLD_TO_SIGN_IN_AGAIN
    assert SERVER_TOO_OLD_TO_SIGN_IN_AGAIN.startswith(
        "The council server needs updating to sign this laptop in again."
    )
