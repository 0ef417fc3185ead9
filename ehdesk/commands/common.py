"""What the command modules share: the password prompt, opening a profile, progress lines."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from ehdesk.errors import EhdeskError
from ehdesk.store import ProfileManager, Store


def manager(args) -> ProfileManager:
    return ProfileManager(Path(args.data_dir))


def read_password(prompt: str = "Password: ", confirm: bool = False) -> str:
    from_env = os.environ.get("EHDESK_PASSWORD")
    if from_env is not None:
        return from_env
    if not sys.stdin or not sys.stdin.isatty():
        raise EhdeskError("No password given: set EHDESK_PASSWORD or run the command in a terminal.")
    first = getpass.getpass(prompt)
    if confirm:
        second = getpass.getpass("Type the password again: ")
        if first != second:
            raise EhdeskError("The two passwords are not the same. Nothing was changed.")
    return first


def open_profile(args, name: str | None = None) -> Store:
    from ehdesk.sync import expiry  # an expired server profile opens only after a sync

    return expiry.unlock(manager(args), name or args.profile, read_password())


class Progress:
    """One line on stderr that counts up, for long commands run in a terminal or a log."""

    def __init__(self, label: str, total: int, stream=None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self._last = -1

    def __call__(self, done: int) -> None:
        percent = int(done * 100 / self.total)
        if percent != self._last:
            self._last = percent
            end = "\n" if done >= self.total else ""
            self.stream.write(f"\r{self.label}: {done}/{self.total} ({percent}%){end}")
            self.stream.flush()
