"""The honest sync state shown in the status bar and printed by ``ehdesk sync`` (DESIGN.md §4).
Plain data, no Qt: the UI bridge turns each update into a signal."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from ehdesk.config.dates import show_clock

State = Literal["offline", "syncing", "up_to_date", "error", "idle"]


@dataclass(frozen=True)
class SyncStatus:
    state: State = "idle"
    percent: int = 0
    last_synced_at: datetime | None = None
    waiting: int = 0
    conflicts: int = 0
    # Changes the server refused that the worker has not dealt with (``sync.refusals``).
    refused: int = 0
    last_error: str = ""
    # The last sync failed because the server no longer accepts this laptop's sign-in (a password
    # reset, a revoked laptop, a refresh token presented twice): the app offers "Sign in again…".
    signed_out: bool = False

    def with_(self, **changes) -> SyncStatus:
        return replace(self, **changes)

    def text(self) -> str:
        if self.state == "syncing":
            parts = [f"Syncing {self.percent}%"]
        elif self.state == "offline":
            parts = ["Offline"]
        elif self.state == "up_to_date" and self.last_synced_at is not None:
            parts = [f"Up to date at {show_clock(self.last_synced_at)}"]
        elif self.state == "error":
            parts = ["Sync failed"]
        else:
            parts = ["Not synced yet"]
        if self.waiting:
            parts.append(f"{self.waiting} change{'s' if self.waiting != 1 else ''} waiting")
        if self.conflicts:
            parts.append(f"{self.conflicts} conflict{'s' if self.conflicts != 1 else ''}")
        if self.refused:
            parts.append(f"{self.refused} refused")
        text = " · ".join(parts)
        if self.last_error and self.state in ("offline", "error"):
            text += f" — {self.last_error}"
        return text
