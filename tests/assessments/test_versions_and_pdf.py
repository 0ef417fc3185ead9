"""Old assessments keep their definition version; the PDF shows the answers and the names."""

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader

from ehdesk.casework import assessments as ops
from ehdesk.config.pack import current_pack
from ehdesk.documents import render_assessment as render
from ehdesk.documents import render_latest_assessment as render_latest
from ehdesk.errors import NotFound
from ehdesk.forms.loader import forms_dir, load_library
from tests.assessments.helpers import complete_eha_answers, family_of_four


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def feedback(version: int, label: str, extra_question: bool) -> dict:
    questions = [{"id": "what_helped", "type": "long_text", "label": label, "required": True}]
    if extra_question:
        questions.append(
            {"id": "new_question", "type": "yes_no", "label": "A new question?", "required": True}
        )
    return {
        "format": "ehdesk-form",
        "id": "closure-feedback",
        "version": version,
        "title": "How was it for you?",
        "sections": [{"id": "thoughts", "title": "Your thoughts", "questions": questions}],
    }


def test_changing_the_definition_leaves_old_answers_readable(store, tmp_path):
    folder = tmp_path / "forms" / "closure-feedback"
    folder.mkdir(parents=True)
    (folder / "v1.json").write_text(json.dumps(feedback(1, "What helped most of all?", False)))
    v1_library = load_library(tmp_path / "forms", current_pack())
    with store.session() as s:
        family_id, episode_id, _ = family_of_four(s)
        old = ops.start_assessment(s, family_id, "closure-feedback", library=v1_library)
        ops.complete_assessment(s, old, {"what_helped": "The Tuesday visits"}, library=v1_library)

    # The council publishes version 2: a reworded question and a new required one.
    (folder / "v2.json").write_text(json.dumps(feedback(2, "Which support made a difference?", True)))
    library = load_library(tmp_path / "forms", current_pack())
    with store.session() as s:
        new = ops.start_assessment(s, family_id, "closure-feedback", library=library)
        assert ops.get_assessment(s, new).form_version == 2
        view = ops.get_assessment(s, old)
        engine = ops.engine_for(view, library)
        assert (view.form_version, engine.definition.version) == (1, 1)
        assert engine.validate(view.answers) == {}  # still complete by its own version's rules
        text = pdf_text(render(s, old, library)[0])
    assert "What helped most of all?" in text
    assert "The Tuesday visits" in text
    assert "A new question?" not in text
    assert "(version 1)" in text


def test_pdf_contains_the_answers_and_the_family_names(store):
    library = load_library(forms_dir(), current_pack())
    with store.session() as s:
        family_id, _, ids = family_of_four(s)
        aid = ops.start_assessment(s, family_id, library=library, today=date(2026, 9, 10))
        ops.complete_assessment(s, aid, complete_eha_answers(ids), library=library, today=date(2026, 9, 20))
        ops.sign_off_assessment(s, aid, "Morgan Manager", today=date(2026, 9, 21))
        pdf, info = render_latest(s, family_id, library)
    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF")
    assert info.title == "Early Help Assessment"
    for expected in (
        "Okafor",
        "Amara Okafor",  # child's voice heading, per child
        "Tobi said she likes drawing.",
        "Grace says they want help with routines.",
        "Level 2: early help",  # label from the council pack, not the code
        "Getting a good education",
        "Morgan Manager",
        "signed by Grace Okafor",
    ):
        assert expected in text, expected


def test_nothing_to_print_is_a_plain_message(store):
    with store.session() as s:
        family_id, _, _ = family_of_four(s)
        with pytest.raises(NotFound, match="no assessment to print"):
            render_latest(s, family_id)
