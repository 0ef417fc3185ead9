"""Encrypted per-worker stores: key vault, SQLCipher engine, migrations, profiles."""

from ehdesk.store.profiles import ProfileManager
from ehdesk.store.store import ProfileInfo, Store

__all__ = ["ProfileInfo", "ProfileManager", "Store"]
