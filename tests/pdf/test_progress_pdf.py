"""The progress PDF: made from the latest case's readings, with the charts as vector drawings,
the family's names and comments, and a plain refusal when there is nothing to show."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from ehdesk.casework import readings
from ehdesk.documents import render_progress as render_latest
from ehdesk.errors import NotFound
from ehdesk.forms.tools.styles import BASELINE, LATEST
from ehdesk.pdf import charts
from tests.casework.readings.helpers import TODAY, make_case, spider_data


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_has_the_spider_chart_names_and_comments(store, monkeypatch):
    drawn = []
    original = charts.spider_drawing

    def spy(axes, lines, low, high, *args, **kwargs):
        drawn.append((list(axes), [(line.label, list(line.values), line.style) for line in lines]))
        return original(axes, lines, low, high, *args, **kwargs)

    monkeypatch.setattr("ehdesk.pdf.progress.spider_drawing", spy)
    with store.session() as s:
        ids = make_case(s)
        readings.take_reading(s, ids["episode"], "family_spider", spider_data(ids, value=3), today=TODAY)
        readings.take_reading(
            s,
            ids["episode"],
            "family_spider",
            spider_data(ids, "review", date(2026, 4, 1), 6, comments={}),
            today=TODAY,
        )
    with store.session() as s:
        pdf, info = render_latest(s, ids["family"])
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    for words in (
        "Okafor",
        "Ada Okafor",
        "Tobi Okafor",
        "Family spider graph",
        "Damp in the back bedroom",
        "+3 (better)",
    ):
        assert words in text
    # The chart went into the PDF as a drawing of the baseline and the review, styled apart.
    [(axes, lines)] = drawn
    assert axes[0] == "Health" and len(axes) == 10
    assert [(label, values[0], style) for label, values, style in lines] == [
        ("Baseline 20 January 2026", 3, BASELINE),
        ("Review 1 April 2026", 6, LATEST),
    ]
    assert info.document_id.startswith("PRG-") and len(info.content_hash) == 64
    # Same content, same bytes: what lets a printed copy be checked against the record.
    with store.session() as s:
        assert render_latest(s, ids["family"])[0] == pdf


def test_spider_drawing_draws_every_reading_with_its_dash_pattern():
    lines = [
        charts.ChartLine("Baseline", [2, 3, 4, 5], BASELINE),
        charts.ChartLine("Latest", [5, 6, 7, 8], LATEST),
    ]
    drawing = charts.spider_drawing(["A", "B", "C", "D"], lines, 0, 10)
    strokes = [c for c in drawing.contents if type(c).__name__ == "PolyLine"]
    dashed = [c.strokeDashArray for c in strokes]
    assert None in dashed and charts.DASHES["dash"] in dashed
    labels = {c.text for c in drawing.contents if type(c).__name__ == "String"}
    assert {"A", "B", "C", "D", "Baseline", "Latest"} <= labels


def test_no_readings_gives_a_plain_message(store):
    with store.session() as s:
        ids = make_case(s)
    with store.session() as s, pytest.raises(NotFound) as err:
        render_latest(s, ids["family"])
    assert "no progress readings" in str(err.value)
