"""Slowing down password guessing on a shared laptop.

After three wrong passwords in a row each further try must wait twice as long as the last
(1 s, 2 s, 4 s ... up to 5 minutes). The count is kept beside the store so restarting the app
does not reset it; a right password clears it.

The file is only a brake, never a lock: a ``last_failure`` in the future (the clock was ahead) is
taken as now, and a file that cannot be read (damaged, a folder in its place, no permission)
counts as one wrong try, with a warning saying so, and never stops the right password."""

from __future__ import annotations

import logging
import math
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from ehdesk.errors import TooManyAttempts
from ehdesk.store.files import read_json, write_json_atomic

FREE_TRIES = 3
MAX_WAIT_SECONDS = 300.0
UNREADABLE = (
    "The wrong-password count beside this profile (attempts.json) could not be read; "
    "it counts as one wrong try."
)

log = logging.getLogger(__name__)


class Lockout:
    def __init__(self, path: Path, now: Callable[[], float] = time.time) -> None:
        self.path = path
        self.now = now

    def _load(self) -> tuple[int, float]:
        now = self.now()
        try:
            data = read_json(self.path)
            failures = int(data.get("failures", 0))
            last = float(data.get("last_failure", 0.0))
            if failures < 0 or not math.isfinite(last):
                raise ValueError
        except FileNotFoundError:
            return 0, 0.0
        except (OSError, ValueError, TypeError, AttributeError):
            log.warning(UNREADABLE)
            return 1, 0.0
        if last > now:
            # Written by a clock that was ahead: it happened by now. Kept as now, so the wait
            # runs out instead of following the clock's error forward.
            last = now
            try:
                write_json_atomic(self.path, {"failures": failures, "last_failure": now})
            except OSError:
                pass
        return failures, last

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
        self._clear_damaged()
        try:
            write_json_atomic(self.path, {"failures": failures + 1, "last_failure": self.now()})
        except OSError:
            log.warning("The wrong-password count (attempts.json) could not be written.")

    def succeeded(self) -> None:
        self._clear_damaged()
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            log.warning("The wrong-password count (attempts.json) could not be cleared.")

    def _clear_damaged(self) -> None:
        """A folder where the count belongs is not ours to keep: it only blocks the count."""
        if self.path.is_dir() and not self.path.is_symlink():
            shutil.rmtree(self.path, ignore_errors=True)
