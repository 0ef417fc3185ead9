"""The fonts ehdesk ships for scripts a laptop may have no font for, offered to Qt as fallbacks.

Some families' names are written in Chinese or Arabic script. The PDFs embed fonts for them
(``pdf/font_files.py`` names them), but the screens used the laptop's own fonts only, and on a
laptop without a Chinese font such a name showed as empty boxes in the caseload and the record.
Qt falls back to an application font for the characters the screen's font lacks. The files (4 MB)
are read off the UI thread; Qt's font database is only touched on it."""

from __future__ import annotations

import logging

from ehdesk.paths import resources_dir
from ehdesk.pdf.font_files import OTHER_SCRIPT_FILES

log = logging.getLogger(__name__)


def read_fallback_fonts() -> list[bytes]:
    """The shipped fallback fonts' bytes (on a worker thread). A file missing from a damaged
    install is left out: its script falls back to the laptop's fonts, as before."""
    folder = resources_dir() / "fonts"
    found = []
    for name in OTHER_SCRIPT_FILES:
        try:
            found.append((folder / name).read_bytes())
        except OSError:
            log.warning("a shipped font is missing: %s", name)
    return found


def add_fallback_fonts(fonts: list[bytes]) -> None:
    """Hand the fonts to Qt (on the UI thread)."""
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QFontDatabase

    for data in fonts:
        if QFontDatabase.addApplicationFontFromData(QByteArray(data)) < 0:
            log.warning("Qt could not load a shipped font")


def offer_fallback_fonts(owner) -> None:
    """Read the fonts in the background and hand them to Qt when read (while ``owner`` exists)."""
    from ehdesk.ui.ops import background

    background().run(read_fallback_fonts, add_fallback_fonts, owner=owner)
