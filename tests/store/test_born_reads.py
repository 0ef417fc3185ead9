"""In a bulk unit of work (the demo's batches) a read of the records the batch has just made is
answered from memory, without a flush (ehdesk/store/born_reads.py): the answers must be exactly
the database's, in the same order, and anything the batch did not make must still come from the
database."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ehdesk.casework import families, referrals
from ehdesk.models import AuditEvent, Family, Person
from ehdesk.store import born_reads
from ehdesk.store.bulk import bulk_writes
from tests.store.test_unflushed import _count_flushes

TODAY = date(2026, 11, 23)


def _member(session, family_id: str, name: str, born: date | None, **extra) -> str:
    data = {
        "given_name": name,
        "family_name": "Okafor",
        "role": "child",
        "relationship": "son",
        "gender": "male",
        "date_of_birth": born,
    }
    return families.add_person(session, family_id, data | extra, today=TODAY)


def _reads(family_id: str):
    live = Person.family_id == family_id, Person.deleted.is_(False)
    return [
        select(Person).where(*live).order_by(Person.date_of_birth.desc(), Person.given_name),
        select(Person).where(*live).order_by(Person.date_of_birth),
        select(Person.given_name, Person.date_of_birth).where(Person.family_id.in_([family_id, family_id])),
        select(Person.given_name).where(*live).order_by(Person.given_name.desc()).limit(2).offset(1),
        select(Person).where(*live, Person.given_name == "Tobi"),
    ]


def _answers(session, family_id: str) -> list[list]:
    found = []
    for statement in _reads(family_id):
        rows = session.execute(statement).all()
        found.append([tuple(getattr(v, "id", v) for v in row) for row in rows])
    found.append([session.scalar(select(Person.given_name).where(Person.family_id == family_id).limit(1))])
    return found


def test_reads_of_a_batchs_own_records_are_the_databases_answers_without_a_flush(store):
    with store.session() as s, bulk_writes(s, store):
        family_id = families.create_family(s, {"household_name": "Okafor"})
        for name, born in [("Tobi", date(2015, 5, 1)), ("Ada", date(2019, 1, 2)), ("Chi", date(2012, 8, 9))]:
            _member(s, family_id, name, born)
        _member(s, family_id, "Baby", None, due_date=date(2027, 2, 1), gender="unborn")
        gone = _member(s, family_id, "Emeka", date(2010, 1, 1))
        families.remove_person(s, gone)
        flushes = _count_flushes(s)
        from_memory = _answers(s, family_id)
        assert flushes[0] == 0
        assert born_reads.of(s).answered == len(from_memory)
        s.flush()
        held = s.info.pop(born_reads.KEY)  # the same reads, asked of the database
        try:
            from_database = _answers(s, family_id)
        finally:
            s.info[born_reads.KEY] = held
    assert from_memory == from_database
    # The unborn child (no date of birth) first going up, last going down, as SQLite orders NULL.
    assert [row[1] for row in from_memory[2]].count(None) == 1
    assert from_memory[0][-1][0] == from_memory[1][0][0]


def test_records_that_refer_to_a_family_made_before_the_batch_come_from_the_database(store):
    with store.session() as s:
        family_id = families.create_family(s, {"household_name": "Okafor"})
        _member(s, family_id, "Tobi", date(2015, 5, 1))
    with store.session() as s, bulk_writes(s, store):
        _member(s, family_id, "Ada", date(2019, 1, 2))
        names = s.scalars(select(Person.given_name).where(Person.family_id == family_id)).all()
        assert born_reads.of(s).answered == 0
    assert sorted(names) == ["Ada", "Tobi"]


def test_an_id_not_made_in_the_batch_does_not_count_as_the_batchs_own(store):
    # A row given an id by hand (the demo's worker account) may have records that refer to it
    # already, written before the batch: they must be found.
    with store.session() as s:
        s.add(Person(family_id="family-by-hand", given_name="Tobi", family_name="Okafor"))
    with store.session() as s, bulk_writes(s, store):
        s.add(Family(id="family-by-hand", reference="EH-HAND1", household_name="Okafor"))
        s.add(Person(family_id="family-by-hand", given_name="Ada", family_name="Okafor"))
        names = s.scalars(select(Person.given_name).where(Person.family_id == "family-by-hand")).all()
    assert sorted(names) == ["Ada", "Tobi"]


def test_after_a_commit_the_batchs_records_are_read_from_the_database(store):
    with store.session() as s, bulk_writes(s, store):
        family_id = families.create_family(s, {"household_name": "Okafor"})
        s.commit()  # now other sessions see the family, and may add to it
        with store.session() as other:
            _member(other, family_id, "Tobi", date(2015, 5, 1))
        _member(s, family_id, "Ada", date(2019, 1, 2))
        names = s.scalars(select(Person.given_name).where(Person.family_id == family_id)).all()
    assert sorted(names) == ["Ada", "Tobi"]


def test_audit_events_held_back_are_read_from_the_database(store):
    with store.session() as s, bulk_writes(s, store):
        family_id = families.create_family(s, {"household_name": "Okafor"})
        events = s.scalars(select(AuditEvent.action).where(AuditEvent.family_id == family_id)).all()
    assert events == ["change"]


def test_a_reference_changed_after_the_row_was_made_fails_the_batch(store):
    with pytest.raises(RuntimeError, match="changed after the row was made"):
        with store.session() as s, bulk_writes(s, store):
            first = families.create_family(s, {"household_name": "Okafor"})
            second = families.create_family(s, {"household_name": "Adeyemi"})
            person = s.get(Person, _member(s, first, "Tobi", date(2015, 5, 1)))
            s.scalars(select(Person).where(Person.family_id == first)).all()
            person.family_id = second
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Family)) == 0


def test_an_edit_that_changes_nothing_is_not_audited_even_before_the_record_is_written(store):
    with store.session() as s, bulk_writes(s, store):
        family_id = families.create_family(s, {"household_name": "Okafor"})
        referral = referrals.record_referral(
            s, family_id, {"received_on": TODAY, "source": "school", "level_of_need": 2}, today=TODAY
        )
        referrals.record_outcome(s, referral, "family_service", TODAY)
        referrals.record_outcome(s, referral, "family_service", TODAY)  # the same again: no change
    with store.session() as s:
        details = s.scalars(select(AuditEvent.detail).where(AuditEvent.entity == "referral")).all()
    assert details == [{"change": "create"}, {"fields": ["outcome", "outcome_on"]}]


_PEOPLE = st.lists(
    st.tuples(
        st.sampled_from(["Ada", "Tobi", "Chi", "ada", "Émile", ""]),
        st.one_of(st.none(), st.dates(date(2005, 1, 1), date(2026, 1, 1))),
        st.sampled_from(["male", "female", "not_known"]),
        st.booleans(),
    ),
    max_size=8,
)
_ORDERS = st.lists(
    st.tuples(st.sampled_from(["date_of_birth", "given_name", "gender"]), st.booleans()), max_size=2
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=_PEOPLE,
    orders=_ORDERS,
    born_before=st.dates(date(2005, 1, 1), date(2026, 1, 1)),
    name=st.sampled_from(["Ada", "ada", "Tobi", ""]),
    live_only=st.booleans(),
    limit=st.one_of(st.none(), st.integers(0, 4)),
    offset=st.integers(0, 3),
)
def test_any_read_of_a_batchs_own_records_is_answered_as_the_database_would(
    store, people, orders, born_before, name, live_only, limit, offset
):
    """Whatever the rows and the question (comparisons with NULLs, text in any case, order both
    ways, limit and offset), the answer from memory is the database's, row for row."""
    with store.session() as s, bulk_writes(s, store):
        family_id = families.create_family(s, {"household_name": "Okafor"})
        for given_name, born, gender, deleted in people:
            s.add(
                Person(
                    family_id=family_id,
                    given_name=given_name,
                    family_name="Okafor",
                    date_of_birth=born,
                    gender=gender,
                    deleted=deleted,
                )
            )
        where = [Person.family_id == family_id]
        if live_only:
            where.append(Person.deleted.is_(False))
        questions = [
            select(Person.id).where(*where, Person.date_of_birth < born_before),
            select(Person.id).where(*where, Person.date_of_birth != born_before),
            select(Person.id).where(*where, Person.given_name == name),
            select(Person.id).where(*where, Person.given_name != name, Person.gender.in_(["male", "female"])),
        ]
        ordering = [getattr(Person, key).desc() if down else getattr(Person, key) for key, down in orders]
        questions = [
            q.order_by(*ordering, Person.id).limit(limit).offset(offset)
            if limit is not None
            else q.order_by(*ordering, Person.id)
            for q in questions
        ]
        from_memory = [s.scalars(q).all() for q in questions]
        assert born_reads.of(s).answered == len(questions)
        s.flush()
        held = s.info.pop(born_reads.KEY)
        try:
            from_database = [s.scalars(q).all() for q in questions]
        finally:
            s.info[born_reads.KEY] = held
    assert from_memory == from_database
