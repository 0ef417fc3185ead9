"""Encrypted per-worker stores: key vault, SQLCipher engine, migrations, profiles."""

from ehdesk.store.profile_info import ProfileInfo
from ehdesk.store.profiles import ProfileManager

__all__ = ["ProfileInfo", "ProfileManager", "Store"]


def __getattr__(name: str):
    # ``Store`` pulls in SQLAlchemy and SQLCipher; load it only when someone needs it.
    if name == "Store":
        from ehdesk.store.store import Store

        return Store
    raise AttributeError(name)
