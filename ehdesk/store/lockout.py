"""Slowing down password guessing on a shared laptop.

After three wrong passwords in a row each further try must wait twice as long as the last
(1 s, 2 s, 4 s ... up to 5 minutes). The count is kept beside the store so restarting the app
does not reset it; a right password clears it."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

from ehdesk.errors import TooManyAttempts
from ehdesk.store.files import read_json, write_json_atomic

FREE_TRIES = 3
MAX_WAIT_SECONDS = 300.0


class Lockout:
    def __init__(self, path: Path, now: Callable[[], float] = time.time) -> None:
        self.path = path
        self.now = now

    def _load(self) -> tuple[int, float]:
        try:
            data = read_json(self.path)
            return int(data.get("failures", 0)), float(data.get("last_failure", 0.0))
        except (OSError, ValueError):
            return 0, 0.0

    def wait_needed(self) -> float:
        failures, last = self._load()
        if failures < FREE_TRIES:
            return 0.0
        wait = min(2.0 ** (failures - FREE_TRIES), MAX_WAIT_SECONDS)
        return max(0.0, last + wait - self.now())

    def check(self) -> None:
        wait = self.wait_needed()
        if wait > 0:
            seconds = math.ceil(wait)
            raise TooManyAttempts(
                f"Too many wrong passwords. Wait {seconds} second{'s' if seconds != 1 else ''} and try again.",
                retry_after=wait,
            )

    def failed(self) -> None:
        failures, _ = self._load()
        write_json_atomic(self.path, {"failures": failures + 1, "last_failure": self.now()})

    def succeeded(self) -> None:
        self.path.unlink(missing_ok=True)
