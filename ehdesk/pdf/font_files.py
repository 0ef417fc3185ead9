"""The font files ehdesk ships (``resources/fonts``), by what they cover. The PDFs embed them all
(``pdf/fonts.py``); the screens offer Qt those for scripts a laptop may have no font of its own
for (``ui/script_fonts.py``). Kept apart from ``fonts.py`` so the screens read this list without
loading reportlab."""

from __future__ import annotations

SANS_FILE = "DejaVuSans.ttf"  # Latin, Greek, Cyrillic
SANS_BOLD_FILE = "DejaVuSans-Bold.ttf"
CJK_FILE = "DroidSansFallbackFull.ttf"  # Chinese, Japanese, Korean
ARABIC_FILE = "NotoNaskhArabic-Regular.ttf"
ARABIC_BOLD_FILE = "NotoNaskhArabic-Bold.ttf"

# The scripts a laptop's own fonts may lack, where a screen needs a fallback.
OTHER_SCRIPT_FILES = (CJK_FILE, ARABIC_FILE, ARABIC_BOLD_FILE)
