from datetime import date

import pytest

from ehdesk.casework import assessments as ops
from ehdesk.errors import ValidationError
from ehdesk.models import AuditEvent
from tests.assessments.helpers import complete_eha_answers, family_of_four


def test_start_save_complete_sign_off_and_reopen(store):
    with store.session() as s:
        family_id, episode_id, ids = family_of_four(s)
        aid = ops.start_assessment(s, family_id, today=date(2026, 9, 10))
    with store.session() as s:
        view = ops.get_assessment(s, aid)
        assert view.episode_id == episode_id
        assert view.form_version == 2
        # What the app knows is already filled in.
        assert view.answers["started_on"] == "2026-09-10"
        assert view.answers["lead_professional"] == "Sam Lead"
        assert [m.name for m in view.members][:2] == ["Amara Okafor", "Tobi Okafor"]
        ops.save_draft(s, aid, {"reason": "half typed"})
    with store.session() as s, pytest.raises(ValidationError) as err:
        ops.complete_assessment(s, aid)
    assert err.value.fields["family_hopes"] == "This needs an answer."
    assert f"voice_how@{ids['Tobi']}" in err.value.fields
    with store.session() as s:
        assert ops.get_assessment(s, aid).status == "draft"  # nothing changed half-way
        ops.complete_assessment(s, aid, complete_eha_answers(ids), today=date(2026, 9, 20))
    with store.session() as s:
        assert ops.get_assessment(s, aid).status == "completed"
        with pytest.raises(ops.AssessmentReadOnly):
            ops.save_draft(s, aid, {"reason": "changed after completion"})
        ops.sign_off_assessment(s, aid, "Morgan Manager", today=date(2026, 9, 21))
    with store.session() as s:
        view = ops.get_assessment(s, aid)
        assert (view.status, view.signed_off_by) == ("signed_off", "Morgan Manager")
        with pytest.raises(ValidationError):
            ops.reopen_assessment(s, aid, "   ")
        ops.reopen_assessment(s, aid, "Family told us about a new baby", today=date(2026, 10, 1))
    with store.session() as s:
        view = ops.get_assessment(s, aid)
        assert view.status == "draft" and view.signed_off_by == ""
        assert view.reopen_history[0]["reason"] == "Family told us about a new baby"
        assert view.reopen_history[0]["from_status"] == "signed_off"
        actions = [a.action for a in s.query(AuditEvent).filter_by(entity="assessment", entity_id=aid)]
        assert "reopen" in actions and "sign_off" in actions


def test_closure_feedback_missing_until_the_feedback_form_is_completed(store):
    with store.session() as s:
        family_id, episode_id, ids = family_of_four(s)
        assert "How was it for you?" in ops.closure_feedback_missing(s, episode_id)
        aid = ops.start_assessment(s, family_id, ops.FEEDBACK_FORM)
        assert ops.closure_feedback_missing(s, episode_id) is not None  # a draft is not enough
        ops.complete_assessment(s, aid, {"overall": 4, "listened": "mostly", "quotes_ok": False})
        assert ops.closure_feedback_missing(s, episode_id) is None


def test_listing_shows_titles_and_status(store):
    with store.session() as s:
        family_id, episode_id, _ = family_of_four(s)
        ops.start_assessment(s, family_id, today=date(2026, 9, 1))
        ops.start_assessment(s, family_id, ops.REQUEST_FORM, today=date(2026, 8, 1))
        listed = ops.list_assessments(s, family_id, episode_id)
    assert [(a.title, a.status_label) for a in listed] == [
        ("Early Help Assessment", "Draft"),
        ("Request for Support", "Draft"),
    ]


def test_a_draft_save_is_queued_to_sync(store):
    from ehdesk.models import OutboxEntry

    with store.session() as s:
        family_id, _, _ = family_of_four(s)
        aid = ops.start_assessment(s, family_id)
    with store.session() as s:
        ops.save_draft(s, aid, {"reason": "Typed on the doorstep"})
    with store.session() as s:
        entries = (
            s.query(OutboxEntry).filter_by(entity="assessment", row_id=aid).order_by(OutboxEntry.seq).all()
        )
    assert [e.op for e in entries] == ["insert", "update"]
    assert entries[-1].fields["answers"] == {"reason": "Typed on the doorstep"}
