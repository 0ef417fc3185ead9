"""Recording families and members: validation a worker sees, audit and outbox behind it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ehdesk.casework.families import add_person, create_family, get_family, remove_person, update_person
from ehdesk.casework.validation import nhs_number_is_valid
from ehdesk.errors import ValidationError
from ehdesk.models import AuditEvent, OutboxEntry, Person

CHILD = {
    "given_name": "Amara",
    "family_name": "Mensah",
    "role": "child",
    "gender": "female",
    "date_of_birth": date(2017, 3, 4),
    "ethnicity_code": "BAFR",
    "relationship": "daughter",
}


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "4010232137"])
def test_valid_nhs_numbers(number):
    assert nhs_number_is_valid(number)


@pytest.mark.parametrize("number", ["9434765918", "123", "94347659190", "abcdefghij", "1234567890"])
def test_invalid_nhs_numbers(number):
    assert not nhs_number_is_valid(number)


def test_a_bad_check_digit_is_refused_with_a_plain_message(store):
    with store.session() as s:
        family = create_family(s, {"household_name": "Mensah"})
    with pytest.raises(ValidationError) as err, store.session() as s:
        add_person(s, family, {**CHILD, "nhs_number": "943 476 5918"})
    assert "not a valid NHS number" in err.value.fields["nhs_number"]
    with store.session() as s:
        assert get_family(s, family).members == []


def test_a_date_of_birth_in_the_future_is_refused(store):
    with store.session() as s:
        family = create_family(s, {"household_name": "Mensah"})
    with pytest.raises(ValidationError) as err, store.session() as s:
        add_person(s, family, {**CHILD, "date_of_birth": date.today() + timedelta(days=3)})
    assert "in the future" in err.value.fields["date_of_birth"]


def test_an_unborn_baby_needs_a_due_date_not_a_birth_date(store):
    with store.session() as s:
        family = create_family(s, {"household_name": "Mensah"})
    with pytest.raises(ValidationError) as err, store.session() as s:
        add_person(s, family, {"given_name": "Baby", "role": "child", "gender": "unborn"})
    assert "due date" in err.value.fields["due_date"]
    with store.session() as s:
        add_person(
            s,
            family,
            {
                "given_name": "Baby",
                "role": "child",
                "gender": "unborn",
                "due_date": date.today() + timedelta(days=60),
            },
        )
        assert get_family(s, family).members[0].gender == "unborn"


def test_every_wrong_field_is_named_at_once(store):
    with store.session() as s:
        family = create_family(s, {"household_name": "Mensah"})
    with pytest.raises(ValidationError) as err, store.session() as s:
        add_person(
            s, family, {"given_name": " ", "gender": "robot", "ethnicity_code": "XXXX", "role": "child"}
        )
    assert set(err.value.fields) == {"given_name", "gender", "ethnicity_code"}


def test_a_postcode_is_tidied_and_checked(store):
    with store.session() as s:
        family = create_family(s, {"household_name": "Mensah", "postcode": "de11aa"})
        assert get_family(s, family).postcode == "DE1 1AA"
    with pytest.raises(ValidationError, match="not a UK postcode"), store.session() as s:
        create_family(s, {"household_name": "Mensah", "postcode": "12345"})


def test_edits_are_audited_and_queued_for_sync_in_the_same_transaction(store):
    with store.session() as s:
        family = create_family(s, {"household_name": "Mensah"})
        person = add_person(s, family, CHILD)
    with store.session() as s:
        update_person(s, person, {"school_or_setting": "Belford Academy"})
    with store.session() as s:
        remove_person(s, person)
    with store.session() as s:
        outbox = s.scalars(
            select(OutboxEntry).where(OutboxEntry.row_id == person).order_by(OutboxEntry.seq)
        ).all()
        assert [o.op for o in outbox] == ["insert", "update", "delete"]
        assert outbox[1].fields == {"school_or_setting": "Belford Academy"}
        actions = s.scalars(select(AuditEvent.detail).where(AuditEvent.entity_id == person)).all()
        assert len(actions) == 3
        # A removed member is a tombstone that can sync, not a lost row.
        assert s.get(Person, person).deleted is True
        assert get_family(s, family).members == []


def test_a_failed_edit_leaves_no_outbox_or_audit_trace(store):
    with store.session() as s:
        family = create_family(s, {"household_name": "Mensah"})
        before = len(s.scalars(select(OutboxEntry)).all())
    with pytest.raises(ValidationError), store.session() as s:
        add_person(s, family, {**CHILD, "nhs_number": "1234567890"})
    with store.session() as s:
        assert len(s.scalars(select(OutboxEntry)).all()) == before
