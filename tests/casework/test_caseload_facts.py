"""The caseload's consent and agreement facts, read for many episodes at once, say what the
record says: consent withdrawn (and not given again by the same person) stops the work, and the
agreement's first signing and the review date of the one in force are the dates due items use."""

from __future__ import annotations

from datetime import date

from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.models import Agreement, Consent, Episode, Family

OPENED = date(2026, 1, 5)


def _family(s, name: str) -> tuple[str, Episode]:
    family = Family(reference=f"EH-{name}", household_name=name, team_id="team-a")
    s.add(family)
    s.flush()
    episode = Episode(family_id=family.id, opened_on=OPENED, allocated_on=OPENED)
    s.add(episode)
    s.flush()
    return family.id, episode


def _consent(s, family_id, person, scope, given, withdrawn=None, deleted=False) -> None:
    s.add(
        Consent(
            family_id=family_id,
            person_id=person,
            scope=scope,
            given_on=given,
            withdrawn_on=withdrawn,
            deleted=deleted,
        )
    )


def _agreement(s, family_id, episode_id, status, signed=None, review=None, deleted=False) -> None:
    s.add(
        Agreement(
            family_id=family_id,
            episode_id=episode_id,
            template_id="eh",
            template_version=1,
            status=status,
            signed_on=signed,
            review_date=review,
            deleted=deleted,
        )
    )


def test_withdrawn_consent_stops_the_work_unless_the_same_person_gave_it_again(store):
    with store.session() as s:
        answered_id, answered = _family(s, "Answered")
        _consent(s, answered_id, "amy", "share_information", date(2026, 1, 10), date(2026, 2, 1))
        _consent(s, answered_id, "amy", "share_information", date(2026, 2, 10))  # given again
        _consent(s, answered_id, "bo", "assessment", date(2026, 1, 6), date(2025, 12, 1))  # before it opened
        _consent(s, answered_id, "cy", "assessment", date(2026, 1, 6), date(2026, 4, 1), deleted=True)

        stopped_id, stopped = _family(s, "Stopped")
        _consent(s, stopped_id, "amy", "share_information", date(2026, 1, 10), date(2026, 2, 1))
        _consent(s, stopped_id, "bo", "share_information", date(2026, 2, 10))  # someone else
        _consent(s, stopped_id, "amy", "share_information", date(2026, 1, 8))  # given before it
        _consent(s, stopped_id, "cy", "assessment", date(2026, 1, 6), date(2026, 3, 1))  # the latest
        _consent(s, stopped_id, "cy", "assessment", date(2026, 3, 2), date(2026, 3, 20))  # then again
        _consent(s, stopped_id, "dee", "national_evaluation", date(2026, 1, 6), date(2026, 5, 1))

        quiet_id, quiet = _family(s, "Quiet")
        _consent(s, quiet_id, "amy", "share_information", date(2026, 1, 10))
        s.flush()
        facts = facts_for_episodes(s, [answered, stopped, quiet])

    assert facts[answered.id].consent_withdrawn_on is None
    assert facts[stopped.id].consent_withdrawn_on == date(2026, 3, 20)
    assert facts[quiet.id].consent_withdrawn_on is None


def test_agreement_facts_are_the_first_signing_and_the_review_date_in_force(store):
    with store.session() as s:
        family_id, episode = _family(s, "Signed twice")
        _agreement(s, family_id, episode.id, "superseded", date(2026, 1, 20), date(2026, 3, 1))
        _agreement(s, family_id, episode.id, "signed", date(2026, 2, 15), date(2026, 6, 1))
        _agreement(s, family_id, episode.id, "draft", None, date(2026, 9, 1))
        _agreement(s, family_id, episode.id, "signed", date(2026, 1, 2), date(2026, 7, 1), deleted=True)
        draft_id, drafted = _family(s, "Draft only")
        _agreement(s, draft_id, drafted.id, "draft", None, date(2026, 9, 1))
        s.flush()
        facts = facts_for_episodes(s, [episode, drafted])

    assert (facts[episode.id].agreement_signed_on, facts[episode.id].agreement_review_on) == (
        date(2026, 1, 20),
        date(2026, 6, 1),
    )
    assert (facts[drafted.id].agreement_signed_on, facts[drafted.id].agreement_review_on) == (None, None)


def test_the_caseload_reads_names_planned_sessions_and_late_actions_from_indexes_alone(store):
    """With thousands of families, the caseload's first read after unlock is mostly SQLCipher
    decrypting pages for the first time: the families' and lead children's names, the planned
    sessions and the late plan actions come from indexes that hold them, never from the rows."""
    from sqlalchemy import event

    from ehdesk.casework.caseload import caseload

    with store.session() as s:
        family_id, episode = _family(s, "Okafor")
        episode.allocated_worker_id = store.worker_id
    statements: list[tuple[str, tuple]] = []

    def seen(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        with store.session() as s:
            [row] = caseload(s, store.worker_id, date(2026, 3, 1))
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert row.household_name == "Okafor"
    raw = store.engine.raw_connection()
    try:
        plans = [
            detail
            for statement, parameters in statements
            for *_ids, detail in raw.driver_connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
        ]
    finally:
        raw.close()
    covering = {word for plan in plans if "COVERING INDEX" in plan for word in plan.split()}
    assert {
        "ix_family_caseload",
        "ix_person_names",
        "ix_session_note_facts",
        "ix_plan_action_facts",
    } <= covering
    assert not [plan for plan in plans if plan.startswith("SCAN")]  # no table read from end to end
