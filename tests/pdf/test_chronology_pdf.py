"""The chronology on paper starts under its heading on the first page and prints each date whole."""

import io
from datetime import date

from pypdf import PdfReader

from ehdesk.casework.chronology import ChronologyEntry
from ehdesk.casework.document_views import ChronologyDocument
from ehdesk.pdf import chronology


def _pages(entries: list[ChronologyEntry]) -> list[str]:
    doc = ChronologyDocument("f1", "EH-01000005", "Booth", None, entries)
    pdf, _ = chronology.render(doc)
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_long_chronology_starts_on_the_first_page_and_prints_each_month_whole():
    """Demo family EH-01000005's 32 entries left page 1 empty under the heading (the heading was
    kept with the whole table) and printed "13 Nove mber 2024" (the date column was narrower
    than a month's name)."""
    entries = [
        ChronologyEntry(
            date(2024, 9 + i % 3, 13 + i % 17), "session", "Session: Home visit", "Seen: Ruby", by="W"
        )
        for i in range(40)
    ]
    pages = _pages(entries)
    assert len(pages) > 1
    first = pages[0]
    assert "Session: Home visit" in first.split("Chronology", 2)[-1]  # rows under the heading, on page 1
    text = "\n".join(pages)
    for month in ("September", "October", "November"):
        assert month in text.split()
