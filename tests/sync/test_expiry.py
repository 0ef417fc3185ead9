"""A laptop profile that has not reached the council server for too long opens only after it
syncs again; offline it stays shut and says why. Local profiles never expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ehdesk.casework.families import create_family, list_families
from ehdesk.errors import ProfileExpired
from ehdesk.store import ProfileManager
from ehdesk.sync import expiry
from tests.sync.harness import PASSWORD, Laptop, drop_server, make_server


def _age(manager: ProfileManager, name: str, days: int) -> None:
    profile = manager.find(name)
    manager.update_profile(profile, last_online_at=(datetime.now(UTC) - timedelta(days=days)).isoformat())


def test_a_local_profile_never_expires(profiles):
    profiles.create("Amira Patel", PASSWORD)
    store = expiry.unlock(profiles, "Amira Patel", PASSWORD, days=1, sync_now=lambda s: 1 / 0)
    store.close()


def test_an_expired_profile_stays_shut_offline_and_keeps_unsynced_work(tmp_path):
    server = make_server("sqlite", tmp_path)
    laptop = Laptop(tmp_path, "ann", server.base_url, backoff=0.01)
    with laptop.store.session() as s:
        create_family(s, {"household_name": "Written offline"})
    laptop.store.close()
    manager = ProfileManager(laptop.data_dir)
    _age(manager, "ann", 45)
    drop_server(server)  # the council server is out of reach

    with pytest.raises(ProfileExpired, match="more than 30 days"):
        expiry.unlock(manager, "ann", PASSWORD, days=30)

    # Nothing was lost: within the limit the same store opens with the offline work in it.
    store = expiry.unlock(manager, "ann", PASSWORD, days=60)
    with store.session() as s:
        assert [f.household_name for f in list_families(s)] == ["Written offline"]
    store.close()


def test_an_expired_profile_opens_once_it_has_synced(tmp_path):
    server = make_server("sqlite", tmp_path)
    try:
        laptop = Laptop(tmp_path, "ann", server.base_url, backoff=0.01)
        laptop.store.close()
        manager = ProfileManager(laptop.data_dir)
        _age(manager, "ann", 45)
        assert expiry.is_expired(manager.find("ann"), 30)
        store = expiry.unlock(manager, "ann", PASSWORD, days=30)
        store.close()
        assert not expiry.is_expired(manager.find("ann"), 30)  # seen online again just now
    finally:
        drop_server(server)
