"""The ecomap is drawn in the assessment PDF when the family's network is recorded, and absent
(the document unchanged) when it is not."""

import io
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader
from reportlab.graphics.shapes import String
from reportlab.pdfbase.pdfmetrics import stringWidth

from ehdesk.casework import assessments as ops
from ehdesk.casework import network, professionals
from ehdesk.casework.network import Ecomap, EcomapNode
from ehdesk.config.pack import current_pack
from ehdesk.documents import render_latest_assessment as render_latest
from ehdesk.forms.loader import forms_dir, load_library
from ehdesk.models import Family, Person
from ehdesk.pdf.ecomap import WIDTH, ecomap_drawing, ecomap_story
from ehdesk.pdf.fonts import ARABIC_BOLD, CJK, SANS_BOLD
from tests.assessments.helpers import complete_eha_answers, family_of_four
from tests.assessments.test_versions_and_pdf import pdf_text


def test_the_assessment_pdf_draws_the_family_network(store):
    library = load_library(forms_dir(), current_pack())
    with store.session() as s:
        family_id, _, ids = family_of_four(s)
        aid = ops.start_assessment(s, family_id, library=library, today=date(2026, 9, 10))
        ops.complete_assessment(s, aid, complete_eha_answers(ids), library=library, today=date(2026, 9, 20))
        before, _ = render_latest(s, family_id, library)
        network.add_tie(s, family_id, {"kind": "wider_family", "name": "Nan Rose", "strength": "strong"})
        professionals.add_professional(
            s,
            family_id,
            {"agency": "school", "name": "Mrs Patel", "strength": "stressful", "since": date(2026, 1, 5)},
        )
        after, _ = render_latest(s, family_id, library)
    assert "ecomap" not in pdf_text(before)
    text = pdf_text(after)
    assert "The family's network (ecomap)" in text
    assert "Nan Rose" in text and "School" in text and "Mrs Patel · Stressful" in text
    assert "Okafor household" in text


def _drawn(pdf: bytes) -> list[tuple[str, str]]:
    """(text, font) as drawn on the ecomap's page: the one with its key ("Stressful" is drawn
    there and nowhere else in the document). Fonts by their embedded name, e.g. DejaVuSans-Bold."""
    for page in PdfReader(io.BytesIO(pdf)).pages:
        chunks: list[tuple[str, str]] = []

        def seen(text, _cm, _tm, font, _size, chunks=chunks):
            if text.strip() and font:
                chunks.append((text, str(font["/BaseFont"]).split("+")[-1]))

        page.extract_text(visitor_text=seen)
        if any("Stressful" in text for text, _ in chunks):
            return chunks
    raise AssertionError("no ecomap page")


def _font_of(chunks: list[tuple[str, str]], wanted: str) -> set[str]:
    return {font for text, font in chunks if wanted in text}


def test_the_ecomap_draws_chinese_and_arabic_names_in_fonts_that_have_them(store):
    """DejaVu Sans has no Chinese or Arabic: a 刘 household drawn in it printed empty boxes."""
    library = load_library(forms_dir(), current_pack())
    with store.session() as s:
        family_id, _, ids = family_of_four(s)
        s.get(Family, family_id).household_name = "刘"
        for given, chinese in (("Grace", "芳"), ("Daniel", "伟"), ("Amara", "静"), ("Tobi", "磊")):
            person = s.get(Person, ids[given])
            person.given_name, person.family_name = chinese, "刘"
        aid = ops.start_assessment(s, family_id, library=library, today=date(2026, 9, 10))
        ops.complete_assessment(s, aid, complete_eha_answers(ids), library=library, today=date(2026, 9, 20))
        network.add_tie(s, family_id, {"kind": "wider_family", "name": "فاطمة حسن", "strength": "strong"})
        network.add_tie(s, family_id, {"kind": "informal", "name": "Nan Rose", "strength": "weak"})
        pdf, _ = render_latest(s, family_id, library)
    chunks = _drawn(pdf)
    text = "".join(text for text, _ in chunks)
    assert "刘" in text and "household" in text and "芳" in text and "磊" in text
    assert _font_of(chunks, "刘") == _font_of(chunks, "芳") == {"DroidSansFallback"}
    assert _font_of(chunks, "household") == {"DejaVuSans-Bold"}
    assert _font_of(chunks, "Nan Rose") == {"DejaVuSans-Bold"}
    # The Arabic name is set in the Arabic face and shaped: joined letter forms (pypdf reads them
    # back in logical order, so the drawn order is checked on the drawing below).
    arabic = [(t.strip(), f) for t, f in chunks if any("\u0600" <= c <= "\u06ff" or c >= "\ufb50" for c in t)]
    assert {font for _, font in arabic} == {"NotoNaskhArabic-Bold"}
    joined = "\ufed3\ufe8e\ufec3\ufee4\ufe94 \ufea3\ufeb4\ufee6"  # فاطمة حسن in initial/medial/final forms
    assert [t for t, _ in arabic] == [joined]


def test_an_arabic_name_is_drawn_right_to_left_and_in_line_with_the_latin():
    drawing = ecomap_drawing(
        Ecomap(
            "刘",
            ["芳", "伟"],
            [EcomapNode("t1", "wider_family", "Wider family", "فاطمة حسن (aunt)", "", "", "")],
        )
    )
    strings = [(s.x, s.text, s.fontName) for s in drawing.contents if isinstance(s, String)]
    label = sorted((x, text, font) for x, text, font in strings if "(aunt)" in text or "\ufe94" in text)
    (x1, name, font), (x2, rest, _) = label
    # Glyphs go into the PDF left to right, so the name's last letter (final form) comes first.
    assert font == ARABIC_BOLD and unicodedata.normalize("NFKC", name)[::-1] == "فاطمة حسن"
    assert rest == " (aunt)" and x2 > x1
    # The centre lines stay centred on the ellipse with their runs side by side.
    centre = sorted((x, text, font) for x, text, font in strings if text in ("刘", " household"))
    assert [font for *_, font in centre] == [CJK, SANS_BOLD]
    assert centre[1][0] == pytest.approx(centre[0][0] + stringWidth("刘", CJK, 8))
    end = centre[1][0] + stringWidth(" household", SANS_BOLD, 8)
    assert (centre[0][0] + end) / 2 == pytest.approx(WIDTH / 2)


def test_the_ecomap_heading_never_stands_alone_at_the_foot_of_a_page():
    """Demo family EH-01000006's assessment ended page 5 with the heading and began page 6 with
    the drawing: the heading goes over with its drawing."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Spacer

    out = io.BytesIO()
    page = SimpleDocTemplate(out, pagesize=A4)
    nearly_full = page.height - 80  # room for the heading and its key line, not for the drawing
    data = Ecomap(
        "Okafor", ["Grace"], [EcomapNode("t1", "informal", "Informal", "Nan Rose", "", "", "strong")]
    )
    page.build([Spacer(1, nearly_full), *ecomap_story(data)])
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(out.getvalue())).pages]
    assert [n for n, text in enumerate(pages) if "The family's network (ecomap)" in text] == [
        n for n, text in enumerate(pages) if "Stressful" in text
    ]
