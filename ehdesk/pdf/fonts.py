"""Fonts that can print every name a family may have. DejaVu Sans covers Latin, Greek and
Cyrillic; Droid Sans Fallback covers Chinese, Japanese and Korean; Noto Naskh Arabic covers
Arabic script (shaped with HarfBuzz when uharfbuzz is installed). reportlab has no automatic
fallback, so ``markup`` wraps runs of each script in the font that has their glyphs."""

from __future__ import annotations

import re
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph as rl_paragraph

from ehdesk.paths import resources_dir
from ehdesk.pdf.font_files import ARABIC_BOLD_FILE, ARABIC_FILE, CJK_FILE, SANS_BOLD_FILE, SANS_FILE

SANS = "EhSans"
SANS_BOLD = "EhSans-Bold"
CJK = "EhCJK"
ARABIC = "EhArabic"
ARABIC_BOLD = "EhArabic-Bold"

# reportlab shapes a whole word (text between spaces) with the font of its first character, and
# has no bidi of its own here (rlbidi is not installed). Only Arabic needs shaping, so only words
# set in the Arabic font are shaped (``_shape_arabic_only``); HarfBuzz then lays each Arabic run
# out right to left as one unit. Punctuation touching a run is kept out of it by a thin space, so
# a list of Arabic names reads name by name in the left-to-right line without losing its commas.
THIN_SPACE = "\u2009"
_CJK_RUN = re.compile(
    r"[\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+"
)
_ARABIC_RUN = re.compile(
    r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+(?:[\s\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]*[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff])?"
)


def _shape_arabic_only(shape):
    """Wrap reportlab's word shaper so it only touches words set in the Arabic font: shaping a
    CJK word that ends in a Latin comma with the CJK font (which has no comma) drops the comma."""

    def shaped(word, *args, **kwargs):
        for frag, _text in word[1:]:
            if not hasattr(frag, "cbDefn"):
                if frag.fontName in (ARABIC, ARABIC_BOLD):
                    return shape(word, *args, **kwargs)
                return word
        return word

    shaped.ehdesk_wrapped = True
    return shaped


@lru_cache(maxsize=1)
def register_fonts() -> None:
    if not getattr(rl_paragraph.shapeFragWord, "ehdesk_wrapped", False):
        rl_paragraph.shapeFragWord = _shape_arabic_only(rl_paragraph.shapeFragWord)
    folder = resources_dir() / "fonts"
    for name, file in (
        (SANS, SANS_FILE),
        (SANS_BOLD, SANS_BOLD_FILE),
        (CJK, CJK_FILE),
        (ARABIC, ARABIC_FILE),
        (ARABIC_BOLD, ARABIC_BOLD_FILE),
    ):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    # <b> inside a paragraph switches to the bold face.
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS)
    addMapping(SANS, 1, 1, SANS_BOLD)
    addMapping(ARABIC, 0, 0, ARABIC)
    addMapping(ARABIC, 1, 0, ARABIC_BOLD)
    addMapping(ARABIC, 0, 1, ARABIC)
    addMapping(ARABIC, 1, 1, ARABIC_BOLD)
    addMapping(CJK, 0, 0, CJK)
    addMapping(CJK, 1, 0, CJK)
    addMapping(CJK, 0, 1, CJK)
    addMapping(CJK, 1, 1, CJK)


def script_runs(text: str, font: str = SANS) -> list[tuple[str, str]]:
    """``text`` cut into (run, font name) pieces in reading order: CJK runs in the CJK font (it has
    no bold), Arabic runs in the Arabic face matching ``font``, the rest in ``font``. One splitter
    for ``markup`` (paragraphs) and the ecomap's drawn labels, so both pick the same font."""
    arabic = ARABIC_BOLD if font == SANS_BOLD else ARABIC
    runs: list[tuple[str, str]] = []

    def plain(part: str) -> None:
        # CJK is taken out first, as ``markup`` always did, so an ideographic space (which the
        # Arabic pattern counts as a space) stays with the CJK run.
        at = 0
        for m in _ARABIC_RUN.finditer(part):
            if m.start() > at:
                runs.append((part[at : m.start()], font))
            runs.append((m.group(0), arabic))
            at = m.end()
        if at < len(part):
            runs.append((part[at:], font))

    at = 0
    for m in _CJK_RUN.finditer(text):
        plain(text[at : m.start()])
        runs.append((m.group(0), CJK))
        at = m.end()
    plain(text[at:])
    return runs


def _spaced(run: tuple[str, str], at: int) -> bool:
    return run[1] != CJK and run[0][at].isspace()


def markup(text: str | None) -> str:
    """Escape ``text`` for a reportlab Paragraph and put each non-Latin run in a font that has it."""
    if not text:
        return ""
    runs = script_runs(str(text))
    out: list[str] = []
    for i, (run, font) in enumerate(runs):
        if font == CJK:
            out.append(f'<font name="{CJK}">{escape(run)}</font>')
        elif font == ARABIC:
            # A CJK neighbour counts as touching even when it is an ideographic space: its <font>
            # tag stands between them in the markup.
            before = THIN_SPACE if i > 0 and not _spaced(runs[i - 1], -1) else ""
            after = THIN_SPACE if i + 1 < len(runs) and not _spaced(runs[i + 1], 0) else ""
            out.append(f'{before}<font name="{ARABIC}">{escape(run)}</font>{after}')
        else:
            out.append(escape(run))
    return "".join(out).replace("\n", "<br/>")
