"""What the sign-in screen knows about a worker profile: read from ``profile.json`` alone, so listing
the workers on a laptop needs neither the database nor the crypto libraries."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class ProfileInfo(NamedTuple):
    """A named tuple, not a frozen dataclass: the sign-in screen lists profiles before its first
    paint, where ``dataclasses`` (and the code it generates for each class) cost a few ms."""

    id: str
    name: str
    path: Path
    created_at: str
    server_url: str | None = None
    username: str | None = None
    role: str = "practitioner"
    team_id: str | None = None
    last_online_at: str | None = None
    user_id: str | None = None

    @property
    def worker_id(self) -> str:
        """The id episodes are allocated to: the server's user id, or the profile's own offline."""
        return self.user_id or self.id

    @property
    def db_path(self) -> Path:
        return self.path / "store.db"
