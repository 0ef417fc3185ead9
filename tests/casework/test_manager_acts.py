"""The table of a manager's decisions the server asks of every push names real records and fields,
and reads a change as the operations make it."""

from __future__ import annotations

from ehdesk.casework.manager_acts import MANAGER_FIELDS, MANAGER_RECORDS, manager_act
from ehdesk.models import model_for_table


def test_every_record_and_field_named_is_one_the_laptop_sends():
    for entity, (_act, anyone_may_change) in MANAGER_RECORDS.items():
        columns = set(model_for_table(entity).__table__.columns.keys())
        assert anyone_may_change <= columns, entity
    for entity, rules in MANAGER_FIELDS.items():
        columns = set(model_for_table(entity).__table__.columns.keys())
        for names, _act in rules:
            assert names <= columns, (entity, names - columns)


def test_a_decision_is_made_by_filling_a_field_not_by_clearing_or_resending_it():
    stored = {"override_by": "Dee", "override_reason": "Phoned in", "status": "completed"}
    act = "complete a meeting record that breaks these rules"
    assert manager_act("taf_meeting", "insert", {"override_by": "Dee"}, None) == act
    assert manager_act("taf_meeting", "insert", {"override_by": "", "override_missing": []}, None) is None
    assert manager_act("taf_meeting", "update", {"override_reason": "Other"}, stored.get) == act
    assert manager_act("taf_meeting", "update", {"override_by": "Dee"}, stored.get) is None  # as it was
    assert (
        manager_act("taf_meeting", "update", {"override_by": "", "override_reason": ""}, stored.get) is None
    )
    assert manager_act("person", "update", {"given_name": "Override"}, {"given_name": ""}.get) is None
    closed = {"status": "closed"}
    assert manager_act("episode", "update", {"status": "open"}, closed.get) == "reopen a closed case"
    assert manager_act("episode", "update", {"status": "closed"}, {"status": "open"}.get) is None
