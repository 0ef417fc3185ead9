from datetime import date

from sqlalchemy import select

from ehdesk.casework import assessments as ops
from ehdesk.demo import generate
from ehdesk.models import Assessment, Episode


def test_demo_families_get_draft_and_completed_assessments_that_pass_their_own_checks(store):
    generate(store, 60, seed=4, today=date(2026, 11, 1))
    with store.session() as s:
        rows = s.scalars(select(Assessment)).all()
        statuses = {a.status for a in rows if a.form_id == ops.EHA_FORM}
        assert {"draft", "completed", "signed_off"} <= statuses
        for row in rows:
            if row.status != "draft":
                view = ops.get_assessment(s, row.id, audit_view=False)
                assert ops.engine_for(view).validate(view.answers) == {}, row.form_id
        closed = s.scalars(select(Episode).where(Episode.status == "closed")).all()
        with_feedback = [e for e in closed if ops.closure_feedback_missing(s, e.id) is None]
        assert closed and with_feedback
