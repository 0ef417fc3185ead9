"""Where the machine-wide settings file may be, in order: the file named by ``EHDESK_CONFIG``;
``ehdesk.toml`` beside the executable (bundle installs); the platform's site config folder.
Kept free of pydantic so start-up can read the look before the sign-in screen shows."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs


def settings_candidates() -> list[Path]:
    found = []
    if os.environ.get("EHDESK_CONFIG"):
        found.append(Path(os.environ["EHDESK_CONFIG"]))
    if getattr(sys, "frozen", False):
        found.append(Path(sys.executable).resolve().parent / "ehdesk.toml")
    found.append(Path(platformdirs.site_config_dir("ehdesk", appauthor=False)) / "ehdesk.toml")
    return found
