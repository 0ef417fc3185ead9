"""Where a profile's device refresh token lives: the OS keyring, one entry per profile; with no
usable keyring backend, inside the profile's encrypted store (DESIGN.md §3)."""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError

from ehdesk.store import Store

SERVICE = "ehdesk"
STATE_KEY = "refresh_token"


def _account(store: Store) -> str:
    return f"profile:{store.profile.id}"


def save_refresh_token(store: Store, token: str) -> str:
    """Returns where it went: "keyring" or "store"."""
    try:
        keyring.set_password(SERVICE, _account(store), token)
        store.set_state(STATE_KEY, "")
        return "keyring"
    except (KeyringError, RuntimeError):
        store.set_state(STATE_KEY, token)
        return "store"


def load_refresh_token(store: Store) -> str | None:
    try:
        token = keyring.get_password(SERVICE, _account(store))
    except (KeyringError, RuntimeError):
        token = None
    return token or store.get_state(STATE_KEY, "") or None
