"""The first sign-in, online (DESIGN.md §3): the server checks the password and registers this
laptop as a device; the profile is created with the worker's identity and the device id, the
device's refresh token is put away, and the worker's caseload is pulled. Later unlocks are
offline, with the same password.

Signing in again (``sign_in_again``): when the server no longer accepts the laptop's refresh token
(IT reset the worker's password, or a copy of the token was presented twice), the worker proves
their server password online and the server gives the *same* device new tokens, so the profile
keeps its device id, its outbox and its audit chain, and sends what it holds at once."""

from __future__ import annotations

from pathlib import Path

from ehdesk.config.settings import device_settings
from ehdesk.errors import EhdeskError
from ehdesk.store import ProfileInfo, ProfileManager, Store
from ehdesk.sync.client import Offline, SyncClient, SyncRefused
from ehdesk.sync.engine import SyncEngine, SyncSummary
from ehdesk.sync.tokens import save_refresh_token


def provision_profile(
    args, password: str, client: SyncClient | None = None, first_sync: bool = True
) -> ProfileInfo:
    """``first_sync=False`` leaves the caseload to the next sync (tests of the first sync itself)."""
    client = client or SyncClient(args.server)
    try:
        try:
            reply = client.sign_in(
                getattr(args, "username", None) or args.name, password, device_name="ehdesk laptop"
            )
        except Offline:
            # Was "... Your changes are kept on this laptop.": there is no profile, nor changes, yet.
            raise Offline(
                f"The council server at {client.base_url} cannot be reached: check the address and "
                "that the server is running. No profile was made."
            ) from None
        profiles = ProfileManager(Path(args.data_dir))
        info = profiles.create(
            args.name,
            password,
            recovery_public_key_pem=device_settings().recovery_public_key_pem(),
            server_url=args.server,
            username=reply.username,
            role=reply.role,
            team_id=reply.team_id,
            user_id=reply.user_id,
            device_id=reply.device_id,
        )
        store = profiles.unlock(info.name, password)
        try:
            save_refresh_token(store, reply.refresh_token)
            if first_sync:
                SyncEngine(store, client).sync()
        finally:
            store.close()
        return info
    finally:
        client.close()


ANOTHER_WORKER = (
    "That user name and password are another worker's: this profile is {name}'s. Sign it in again "
    "with {name}'s own user name and password."
)


def sign_in_again(
    store: Store,
    password: str,
    *,
    username: str | None = None,
    client: SyncClient | None = None,
    sync: bool = True,
) -> SyncSummary | None:
    """Sign an unlocked profile in to its council server again, as the same device: ``password``
    is the worker's *server* password (after IT reset it, not the one that unlocks this laptop).
    The new refresh token is put away only once the reply is the profile's own worker and device;
    then, unless ``sync=False`` (the app syncs through its bridge), the laptop syncs, and the
    summary is returned. Refusals are ``EhdeskError``s with one plain sentence; nothing on the
    laptop changes before the reply is checked."""
    profile = store.profile
    if not profile.server_url:
        raise EhdeskError(
            f'"{profile.name}" was made without a council server, so there is nothing to sign in to.'
        )
    client = client or SyncClient(profile.server_url)
    try:
        reply = client.sign_in(
            username or profile.username or profile.name, password, device_id=store.device_id
        )
        same_worker = (
            reply.user_id == profile.user_id if profile.user_id else reply.username == profile.username
        )
        if not same_worker or reply.device_id != store.device_id:
            _end_session(client)
            if not same_worker:
                raise EhdeskError(ANOTHER_WORKER.format(name=profile.name))
            raise EhdeskError(
                "The council server answered for a different laptop, so this one was not signed in "
                "again. Its records and unsent changes stay on it: contact IT."
            )
        save_refresh_token(store, reply.refresh_token)
        if not sync:
            return None
        try:
            return SyncEngine(store, client).sync()
        except EhdeskError as exc:
            raise SignedInNotSynced(
                f"Signed in again, but the sync did not finish: {exc.message.rstrip('.')}. "
                "It carries on at the next sync."
            ) from None
    finally:
        client.close()


class SignedInNotSynced(EhdeskError):
    """``sign_in_again`` signed the laptop in (its new token is kept) but the sync after it failed."""


def _end_session(client: SyncClient) -> None:
    """A session this profile will not keep is ended on the server (best effort)."""
    try:
        client.sign_out()
    except (EhdeskError, SyncRefused):
        pass
