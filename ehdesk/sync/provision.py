"""The first sign-in, online (DESIGN.md §3): the server checks the password and registers this
laptop as a device; the profile is created with the worker's identity and the device id, the
device's refresh token is put away, and the worker's caseload is pulled. Later unlocks are
offline, with the same password."""

from __future__ import annotations

from pathlib import Path

from ehdesk.config.settings import device_settings
from ehdesk.store import ProfileInfo, ProfileManager
from ehdesk.sync.client import Offline, SyncClient
from ehdesk.sync.engine import SyncEngine
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
