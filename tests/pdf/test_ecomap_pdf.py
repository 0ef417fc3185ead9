"""The ecomap is drawn in the assessment PDF when the family's network is recorded, and absent
(the document unchanged) when it is not."""

from datetime import date

from ehdesk.casework import assessments as ops
from ehdesk.casework import network, professionals
from ehdesk.config.pack import current_pack
from ehdesk.documents import render_latest_assessment as render_latest
from ehdesk.forms.loader import forms_dir, load_library
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
