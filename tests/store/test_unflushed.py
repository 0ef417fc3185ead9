"""A unit of work flushes only when a read needs it, and every read still sees every change made
before it (ehdesk/store/unflushed.py): the demo records 50 families per transaction through the
casework operations, and each flush was a round of INSERTs and an outbox write."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event, func, select, text

from ehdesk.casework import consent, families, referrals
from ehdesk.models import Episode, Family, OutboxEntry, Person

TODAY = date(2026, 11, 23)


def _count_flushes(session) -> list[int]:
    flushes = [0]

    def counted(*_args) -> None:
        flushes[0] += 1

    event.listen(session, "after_flush", counted)
    return flushes


def _household(session) -> tuple[str, str]:
    family_id = families.create_family(session, {"household_name": "Okafor", "postcode": "LS1 4AB"})
    mum = families.add_person(
        session,
        family_id,
        {
            "given_name": "Ada",
            "family_name": "Okafor",
            "role": "adult",
            "relationship": "mother",
            "gender": "female",
            "date_of_birth": date(1990, 3, 1),
            "parental_responsibility": True,
        },
        today=TODAY,
    )
    return family_id, mum


def test_recording_a_household_writes_it_in_one_flush(store):
    with store.session() as s:
        flushes = _count_flushes(s)
        family_id, mum = _household(s)
        referral = referrals.record_referral(
            s, family_id, {"received_on": TODAY, "source": "school", "level_of_need": 2}, today=TODAY
        )
        referrals.record_outcome(s, referral, "family_service", TODAY)
        consent.record_consent(s, family_id, person_id=mum, scope="assessment", given_on=TODAY, today=TODAY)
        assert flushes[0] == 0  # each operation named its row and found the family without a flush
    assert flushes[0] == 1  # all of it, with its audit events and outbox entries, at commit
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Person).where(Person.family_id == family_id)) == 1
        outbox = s.scalars(select(OutboxEntry.entity).order_by(OutboxEntry.seq)).all()
    # The outbox holds each row in the order it was recorded, each event after its row.
    assert outbox[:4] == ["family", "audit_event", "person", "audit_event"]


def test_a_row_has_its_id_and_defaults_from_the_moment_it_is_built():
    episode = Episode(family_id="f")
    assert episode.id and episode.case_type == "early_help" and episode.deleted is False
    assert episode.criteria_met == [] and episode.criteria_met is not Episode(family_id="f").criteria_met
    assert Episode(id="given").id == "given"


def test_a_query_still_sees_every_change_made_before_it(store):
    with store.session() as s:
        family_id, mum = _household(s)
        flushes = _count_flushes(s)
        # A read of another table leaves the new rows unwritten ...
        assert s.scalars(select(Episode).where(Episode.family_id == family_id)).all() == []
        assert flushes[0] == 0
        # ... a read of a table with unwritten rows writes them first, and finds them.
        assert [p.id for p in s.scalars(select(Person).where(Person.family_id == family_id))] == [mum]
        assert flushes[0] == 1
        # A change to a stored row is written before a query of its table.
        s.get(Family, family_id).household_name = "Okafor-Ali"
        assert s.scalar(select(Family.household_name).where(Family.id == family_id)) == "Okafor-Ali"
        assert flushes[0] == 2
        # The outbox is written by the flush itself: reading it writes whatever is waiting.
        families.update_family(s, family_id, {"town": "Leeds"})
        before = s.scalar(select(func.count()).select_from(OutboxEntry))
        assert flushes[0] == 3 and before >= 6
        # SQL the session cannot see into is never answered from a stale store.
        families.update_family(s, family_id, {"town": "York"})
        assert s.execute(text("select town from family where id = :id"), {"id": family_id}).scalar() == "York"


def test_get_finds_a_row_added_and_not_yet_written(store):
    with store.session() as s:
        flushes = _count_flushes(s)
        family_id, mum = _household(s)
        assert s.get(Person, mum).given_name == "Ada" and s.get(Family, family_id) is not None
        assert flushes[0] == 0
    with store.session() as s:
        assert s.get(Person, mum) is not None  # and it was written at commit


def test_a_rolled_back_row_is_not_found(store):
    s = store.new_session()
    try:
        family_id, _ = _household(s)
        s.rollback()
        assert s.get(Family, family_id) is None
    finally:
        s.close()


def test_get_of_a_held_row_another_session_deleted_after_it_expired_finds_nothing(store):
    """A row the session holds is found without building its key; an expired one is looked up
    again, as SQLAlchemy's own ``get`` does, so a row deleted meanwhile is not handed back."""
    with store.session() as s:
        family_id, _ = _household(s)
    s = store.new_session()
    try:
        held = s.get(Family, family_id)
        assert s.get(Family, family_id) is held  # found in the session, no query
        s.rollback()  # ends the transaction (another may write): what the session held is expired
        with store.session() as other:
            other.execute(text("DELETE FROM person WHERE family_id = :f"), {"f": family_id})
            other.execute(text("DELETE FROM family WHERE id = :f"), {"f": family_id})
        assert s.get(Family, family_id) is None
    finally:
        s.close()
