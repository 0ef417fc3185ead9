"""Where ehdesk keeps things on disk. Only the data dir holds user data; it is chosen once per
process (``--data-dir`` or the platform's user data folder) and passed down explicitly."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "ehdesk"


def default_data_dir() -> Path:
    override = os.environ.get("EHDESK_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def resources_dir() -> Path:
    """The shipped forms, tools, templates, council packs and fonts.

    Looked up beside the package in a checkout, or inside the PyInstaller bundle."""
    override = os.environ.get("EHDESK_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def check_output_file(path: Path, example: str) -> None:
    """Refuse, before any work is done or audited, an ``--out`` that cannot be written: a folder
    (or an empty name, which ``Path`` reads as "."), a missing folder, a read-only place.
    ``example``: a file name to suggest inside a folder given by mistake."""
    from ehdesk.errors import EhdeskError

    if path.is_dir():
        raise EhdeskError(f"{path} is a folder, not a file: give a file name, for example {path / example}.")
    if not path.parent.is_dir():
        raise EhdeskError(f"The folder {path.parent} does not exist.")
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise EhdeskError(f"Could not write {path}: permission denied. Choose another folder.")


# A file the user asks for (a PDF, a report, an export) may hold personal data: only the user's
# own account may read it (0644, the usual default, let every account on the laptop read it).
PRIVATE_FILE_MODE = 0o600


def open_private_file(path: Path):
    """``path`` opened for writing bytes, made (or emptied) readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    if hasattr(os, "fchmod"):  # a file left from before keeps its mode through O_TRUNC (not Windows)
        os.fchmod(fd, PRIVATE_FILE_MODE)
    return os.fdopen(fd, "wb")


def write_private_file(path: Path, data: bytes) -> None:
    """Write a file the user asked for, whole or not at all (a crash or a full disk leaves the
    file as it was, never half of it), readable by the user's own account only."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open_private_file(partial) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, OSError):  # named as the user named it: their file, not ours
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
