"""Profiles expire when they have not reached the council's server for N days (DESIGN.md §3,
``profile_expiry_days`` in the device settings). An expired profile still unlocks with the right
password, but its records open only after a successful sync — which proves the worker still has
an account and the laptop has not been revoked or wiped. Offline, it stays shut, with a plain
reason. Profiles made without a server (demo, local) never expire."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from ehdesk.errors import EhdeskError, ProfileExpired
from ehdesk.store import ProfileInfo, ProfileManager


def days_offline(profile: ProfileInfo, now: datetime | None = None) -> float | None:
    if not profile.server_url or not profile.last_online_at:
        return None
    last = datetime.fromisoformat(profile.last_online_at)
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return ((now or datetime.now(UTC)) - last).total_seconds() / 86400


def is_expired(profile: ProfileInfo, days: int, now: datetime | None = None) -> bool:
    offline = days_offline(profile, now)
    return offline is not None and offline > days


def _sync_now(store) -> None:
    from ehdesk.sync.client import SyncClient
    from ehdesk.sync.engine import SyncEngine
    from ehdesk.sync.tokens import load_refresh_token

    client = SyncClient(
        store.profile.server_url, device_id=store.device_id, refresh_token=load_refresh_token(store)
    )
    try:
        SyncEngine(store, client).sync()
    finally:
        client.close()


def unlock(
    manager: ProfileManager,
    name: str,
    password: str,
    *,
    days: int | None = None,
    sync_now: Callable | None = None,
):
    """``manager.unlock`` with the expiry rule applied; returns the open Store."""
    if days is None:
        from ehdesk.config.settings import device_settings

        days = device_settings().profile_expiry_days
    store = manager.unlock(name, password)
    if not is_expired(store.profile, days):
        return store
    try:
        (sync_now or _sync_now)(store)
    except Exception as exc:  # noqa: BLE001  (any failure keeps the records shut)
        from ehdesk.sync.client import SignedOut

        store.close()
        reason = f" ({exc.message})" if isinstance(exc, EhdeskError) else ""
        raise ProfileExpired(
            f'"{store.profile.name}" has not reached the council server for more than {days} days, so '
            "these records will not open offline. Connect to the network and sign in again: they open "
            f"as soon as this laptop has synced{reason}.",
            signed_out=isinstance(exc, SignedOut),
        ) from None
    return store


def unlock_signing_in_again(manager: ProfileManager, name: str, password: str, server_password: str):
    """An expired profile whose server no longer accepts its sign-in: unlock it with its own
    ``password``, sign it in again with the worker's ``server_password`` and sync
    (``provision.sign_in_again``); the open Store is returned only once that sync has succeeded,
    as ``unlock`` would. Any failure closes the store again and says why."""
    from ehdesk.sync.provision import SignedInNotSynced, sign_in_again

    store = manager.unlock(name, password)
    try:
        sign_in_again(store, server_password)
    except SignedInNotSynced as exc:
        store.close()
        raise ProfileExpired(
            f"{exc.message} The records open as soon as this laptop has synced: connect to the "
            "network and sign in with your password."
        ) from None
    except BaseException:
        store.close()
        raise
    return store
